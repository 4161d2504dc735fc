"""Keep what the vault said: the notes as parsed (see `reading`), a cache of them, the person
notes, and the people linked from interview notes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import msgspec
from msgspec.structs import replace

from . import cache, vault
from .config import Config
from .model import Interview, Person, Problem
from .notes import person_from
from .reading import (
    Entry,
    Key,
    PersonData,
    Progress,
    Source,
    read_all,
    read_entry,
    read_person,
)


class Loaded(msgspec.Struct, frozen=True):
    """What the vault says: its interviews, the notes vaultfu could not read, its note names."""

    interviews: tuple[Interview, ...]
    problems: tuple[Problem, ...]
    names: dict[str, list[str]]  # casefolded note name → paths, for links
    sources: dict[str, Source] = msgspec.field(default_factory=dict)  # interview notes only
    read: dict[str, Key] = msgspec.field(default_factory=dict)  # stamps as read (see `load`)
    frozen: frozenset[str] = frozenset()  # refused notes planned as they last read (`loaded`)

    def link_for(self, path: str) -> str:
        """How to link a note: its name when that is unique in the vault, else its path."""
        name = path.rsplit("/", 1)[-1][:-3]
        if len(self.names.get(name.casefold(), ())) <= 1:
            return name
        return path[:-3]

    def resolve(self, target: str) -> str | None:
        """The note a `[[link]]` points to, resolved as Obsidian does: by name anywhere in the
        vault, or by path when the link has a folder; the shortest path wins a tie."""
        target = target.strip().removesuffix(".md")
        name = target.rsplit("/", 1)[-1].casefold()
        candidates = self.names.get(name, [])
        if "/" in target:
            suffix = (target + ".md").casefold()
            candidates = [p for p in candidates if p.casefold().endswith(suffix)]
        if not candidates:
            return None
        return min(candidates, key=lambda p: (p.count("/"), len(p), p))


@dataclass(frozen=True)
class Saved:
    """What the cache file holds: data only (see `cache`)."""

    fingerprint: str  # vaultfu's version, the cache format, the vault and its settings
    plain: dict[str, Key]  # most notes: nothing to remember but that they are not interviews
    special: dict[str, tuple[Key, Interview | None, tuple[Problem, ...]]]
    people: dict[str, tuple[Key, PersonData]]


CACHE_FORMAT = 6  # 2: JSON data (1 was a pickle); 3: mail lines; 4: a problem's application;
# 5: the ids on a refused note's lines; 6: a task's recurrence
RACY_NS = 2_000_000_000  # entries this close to the cache's own mtime are read again


class Index:
    """The vault's notes as last read, refreshed in full (cheap: a stat per note, a read only
    for what changed) or for the paths an observer reported.

    `hashing` keeps each note's content hash, so that a save which changes nothing (vaultfu's
    own write, read back) is no change; `parallel` reads a cold vault on every core."""

    def __init__(
        self, root: Path, config: Config, *, hashing: bool = False, parallel: bool = False
    ) -> None:
        self.root = root
        self.config = config
        self.hashing = hashing
        self.parallel = parallel
        self.entries: dict[str, Entry] = {}
        self.skip = vault.templates_folder(root) + "/"  # Obsidian templates are not notes
        self.people: dict[str, tuple[tuple[int, int], PersonData]] = {}  # person notes read
        self._read_people: dict[str, tuple[Key, PersonData]] = {}  # read by a full refresh
        self.dirty = False  # changed since the cache was read
        self._order: list[str] | None = None  # sorted paths, while no note comes or goes
        self._names: dict[str, list[str]] = {}
        self._stamp = 0  # bumped when names or person notes change: resolved people expire
        self._resolved: dict[str, tuple[Interview, int, Interview]] = {}
        self.last_good: dict[str, Interview] = {}  # refused notes: what they said before

    def _put(self, rel: str, entry: Entry) -> Entry | None:
        """Keep a note's new entry; returns the old one. An interview note refused now (a
        value caught half typed) keeps what it said when it was last read whole."""
        old = self.entries.get(rel)
        self.entries[rel] = entry
        if entry.interview is not None or not entry.problems:
            self.last_good.pop(rel, None)
        elif old is not None and old.interview is not None:
            self.last_good[rel] = old.interview
        return old

    def refresh(
        self,
        paths: Iterable[str] | None = None,
        progress: Progress | None = None,
        scanned: tuple[list[tuple[str, Key | None]], list[str]] | None = None,
    ) -> set[str]:
        """Read again what changed; returns the paths whose entry changed (or went away).
        `progress(done, total)` is told how far a full refresh has read; `scanned`, the notes
        and temporary files of a scan this run already made."""
        changed: set[str] = set()
        if paths is None:
            seen: dict[str, Key | None] = {}
            todo = []
            temp: list[str] = [] if scanned is None else scanned[1]
            found = vault.scan(self.root, temp) if scanned is None else scanned[0]
            for rel, key in found:
                if rel.startswith(self.skip):
                    continue
                seen[rel] = key
                old = self.entries.get(rel)
                if old is None or old.key != key:
                    todo.append(rel)
            for rel, entry in read_all(
                self.root, self.config, todo, self.hashing, self.parallel, progress
            ):
                old = self._put(rel, entry)
                if entry.person:  # read with the rest: `person_data` need not read it again
                    self._read_people[rel] = (entry.key, entry.person[0])
                if old is None or old.digest != entry.digest or not self.hashing:
                    changed.add(rel)
            for rel in set(self.entries) - set(seen):
                del self.entries[rel]
                self.last_good.pop(rel, None)
                changed.add(rel)
            if temp:
                vault.sweep(self.root, temp)
            return self._changed(changed)
        for rel in paths:
            if (
                rel.startswith(self.skip)
                or not vault.is_note(rel)
                or vault.stat_of(self.root, rel) is None
            ):
                self.last_good.pop(rel, None)
                if self.entries.pop(rel, None) is not None:
                    changed.add(rel)
                continue
            entry = read_entry(self.root, self.config, rel, self.hashing)
            old = self._put(rel, entry)
            if old is None or old.digest != entry.digest or not self.hashing:
                changed.add(rel)
        return self._changed(changed)

    def _changed(self, changed: set[str]) -> set[str]:
        self.dirty = self.dirty or bool(changed)
        if any(rel in self.people for rel in changed):
            self._stamp += 1  # a person note changed: resolve people again
        return changed

    # -- the cache: outside the vault, safe to delete, never the source of truth ------------

    def _fingerprint(self) -> str:
        from . import __version__

        return f"vaultfu {__version__} format {CACHE_FORMAT} {self.root} {self.config!r}"

    def load_cache(self) -> None:
        """Take the entries of an earlier run; anything unreadable or foreign is ignored."""
        found = vault.read_cache(self.root)
        if found is None:
            return
        data, cache_mtime = found
        try:
            saved = cache.loads(data, Saved)
        except (ValueError, TypeError):  # a corrupt cache is no error: rebuilt from the notes
            return
        if saved.fingerprint != self._fingerprint():
            return
        fresh = cache_mtime - RACY_NS
        entries = {rel: Entry(key) for rel, key in saved.plain.items() if key[1] < fresh}
        entries.update(
            (rel, Entry(key, interview=interview, problems=problems))
            for rel, (key, interview, problems) in saved.special.items()
            if key[1] < fresh
        )
        self.entries = entries
        self.people = {rel: (k, f) for rel, (k, f) in saved.people.items() if k[1] < fresh}

    def save_cache(self) -> None:
        if not self.dirty:
            return
        plain = {}  # most notes: nothing but their key, which reads back fast
        special = {}
        for rel, entry in self.entries.items():
            if entry.interview is None and not entry.problems:
                plain[rel] = entry.key
            else:
                special[rel] = (entry.key, entry.interview, entry.problems)
        state = Saved(self._fingerprint(), plain, special, self.people)
        vault.write_cache(self.root, cache.dumps(state))
        self.dirty = False

    def loaded(self, keep: bool = False) -> Loaded:
        """What the vault says now. The watcher calls this on every save, so what did not
        change is reused: the sorted paths and names while no note came or went, and each
        interview's resolved people while neither it, the names nor the person notes changed.

        With `keep` (the watcher, while the user is still typing), an interview note refused
        now is planned as it was last read whole, and `frozen`: nothing is written into it,
        and its absence changes nothing elsewhere (round 1 of an application is not chased
        because round 2's status is half typed)."""
        paths = self.entries.keys()
        if self._order is None or len(self._order) != len(paths) or set(self._order) != paths:
            self._order = sorted(paths)
            names: dict[str, list[str]] = defaultdict(list)
            for rel in self._order:
                names[rel.rsplit("/", 1)[-1][:-3].casefold()].append(rel)
            self._names = dict(names)
            self._stamp += 1
        interviews: list[Interview] = []
        problems: list[Problem] = []
        sources: dict[str, Source] = {}
        frozen = set()
        for rel in self._order:
            entry = self.entries[rel]
            problems.extend(entry.problems)
            if entry.interview:
                interviews.append(entry.interview)
                if entry.source:
                    sources[rel] = entry.source
            elif keep and rel in self.last_good:
                interviews.append(self.last_good[rel])
                frozen.add(rel)
        loaded = Loaded(
            tuple(interviews), tuple(problems), self._names, sources, frozen=frozenset(frozen)
        )
        resolved = []
        people: dict[str, Person] = {}  # each linked person resolved once in this pass
        for note in interviews:
            memo = self._resolved.get(note.path)
            if memo is not None and memo[0] is note and memo[1] == self._stamp:
                resolved.append(memo[2])
                continue
            done = _resolved(note, loaded, self.person_data, people)
            self._resolved[note.path] = (note, self._stamp, done)
            resolved.append(done)
        return replace(loaded, interviews=tuple(resolved))

    def person_data(self, rel: str) -> PersonData:
        """A person note's contact fields, read again only when the note changed."""
        entry = self.entries.get(rel)
        key = entry.key if entry else (-1, -1)
        known = self.people.get(rel)
        if known is not None and known[0] == key:
            return known[1]
        early = self._read_people.pop(rel, None)
        data = early[1] if early is not None and early[0] == key else read_person(self.root, rel)
        self.people[rel] = (key, data)
        self.dirty = True
        return data


def load(
    root: Path,
    config: Config,
    *,
    cache: bool = True,
    progress: Progress | None = None,
    scanned: tuple[list[tuple[str, Key | None]], list[str]] | None = None,
) -> Loaded:
    """The vault as it is now; with `cache`, notes unchanged since the last run (same path, size
    and mtime) are taken from the cache instead of being read and parsed again. When the scan
    took no stamps, `read` holds each note's stamp as it was read."""
    index = Index(root, config, parallel=True)
    if cache:
        index.load_cache()
    index.refresh(progress=progress, scanned=scanned)
    loaded = index.loaded()
    if cache:
        index.save_cache()
    if scanned is not None and any(key is None for _, key in scanned[0]):
        loaded = replace(loaded, read={rel: e.key for rel, e in index.entries.items()})
    return loaded


def resolve_people(
    root: Path,
    loaded: Loaded,
    notes: Iterable[Interview],
    person_data: Callable[[str], PersonData] | None = None,
    cache: dict[str, Person] | None = None,
) -> Iterable[Interview]:
    """Fill in `[[Person note]]` links from the person notes' frontmatter. `cache`: the people
    already resolved against the same notes (shared by the calls of one `Index.loaded`)."""
    cache = {} if cache is None else cache
    fetch = person_data or (lambda rel: read_person(root, rel))
    return (_resolved(note, loaded, fetch, cache) for note in notes)


def _resolved(
    note: Interview,
    loaded: Loaded,
    fetch: Callable[[str], PersonData],
    cache: dict[str, Person],
) -> Interview:
    def resolve(person: Person) -> Person:
        if not person.link:
            return person
        key = person.link.casefold()
        if key not in cache:
            path = loaded.resolve(person.link)
            data = fetch(path) if path else None
            cache[key] = person_from(person.link.rsplit("/", 1)[-1], person.link, data)
        found = cache[key]
        if person.name != person.link or person.topics:
            found = replace(found, name=person.name, topics=person.topics or found.topics)
        return found

    people = (*note.interviewers, *note.references)
    for person in people:
        if person.link:
            break
    else:
        return note
    return replace(
        note,
        interviewers=tuple(map(resolve, note.interviewers)),
        references=tuple(map(resolve, note.references)),
    )
