"""Read the vault and keep what it said: the notes as parsed, a cache of them, the person notes."""

from __future__ import annotations

import os
import re
import signal
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import msgspec
from msgspec.structs import replace

from . import cache, vault
from .config import Config
from .errors import NoteError
from .front import BOM, decode, find_frontmatter, load_frontmatter
from .model import Interview, Person, Problem
from .notes import candidate_text, parse_text, person_from


@dataclass(frozen=True)
class Source:
    """An interview note as read: the bytes a write must still find, and its text (decoded
    when first asked for: only the notes vaultfu edits need it, and a vault of thousands of
    interview notes would otherwise hold each one twice)."""

    snapshot: vault.Snapshot
    bom: bool

    @classmethod
    def of(cls, snapshot: vault.Snapshot) -> Source:
        data = snapshot.data or b""
        return cls(snapshot, data.startswith(BOM.encode()))

    @cached_property
    def text(self) -> str:
        """The note's text, without the BOM (it was decoded once already when it was read)."""
        return decode(self.snapshot.data or b"", self.snapshot.rel)

    def encode(self, text: str) -> bytes:
        return ((BOM if self.bom else "") + text).encode("utf-8")


class Loaded(msgspec.Struct, frozen=True):
    """What the vault says: its interviews, the notes vaultfu could not read, its note names."""

    interviews: tuple[Interview, ...]
    problems: tuple[Problem, ...]
    names: dict[str, list[str]]  # casefolded note name → paths, for links
    sources: dict[str, Source] = msgspec.field(default_factory=dict)  # interview notes only
    read: dict[str, Key] = msgspec.field(default_factory=dict)  # stamps as read (see `load`)

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


PersonData = dict[str, str] | None


class Entry(msgspec.Struct, frozen=True):
    """What one note said when it was last read: kept so that unchanged notes are not read
    again (the watcher, the periodic rescan)."""

    key: tuple[int, int]  # (size, mtime_ns) when read
    digest: str = ""  # sha256 of the bytes read: a save that changes nothing changes nothing
    interview: Interview | None = None
    problems: tuple[Problem, ...] = ()
    source: Source | None = None  # interview notes only
    person: tuple[PersonData, ...] = ()  # (its contact fields,) when read as a person note


Key = tuple[int, int]  # (size, mtime_ns)


@dataclass(frozen=True)
class Saved:
    """What the cache file holds: data only (see `cache`)."""

    fingerprint: str  # vaultfu's version, the cache format, the vault and its settings
    plain: dict[str, Key]  # most notes: nothing to remember but that they are not interviews
    special: dict[str, tuple[Key, Interview | None, tuple[Problem, ...]]]
    people: dict[str, tuple[Key, PersonData]]


Progress = Callable[[int, int], None]
CACHE_FORMAT = 3  # 2: JSON data (1 was a pickle); 3: mail lines
MAX_NOTE_BYTES = 4_000_000  # an interview note larger than this is refused, not parsed
RACY_NS = 2_000_000_000  # entries this close to the cache's own mtime are read again
PARALLEL_FROM = 200  # notes to read before forking children pays for itself
UNLINKABLE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def _refusal(rel: str, size: int) -> str | None:
    """Why a note is not read at all, if it is not."""
    if size > MAX_NOTE_BYTES:
        return f"is {size / 1e6:.0f} MB, too large for an interview note; vaultfu leaves it alone"
    if UNLINKABLE.search(rel):
        return (
            "its file name holds a line break or a control character, which no one-line link "
            "can name: rename the note (vaultfu leaves it alone)"
        )
    if vault.is_conflict_copy(rel):
        return (
            "is a sync-conflict copy of an interview note: merge what you need into the "
            "original and delete it (vaultfu does not read or write it)"
        )
    return None


def printable(rel: str) -> str:
    """A path shown on one line: control characters as their escapes (`\\n`)."""
    return UNLINKABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), rel)


def read_entry(root: Path, config: Config, rel: str, hashing: bool = False) -> Entry:
    """Read and parse one note into an index entry (the unit of work, also in a child)."""
    try:
        snap = vault.read(root, rel, limit=MAX_NOTE_BYTES)
    except OSError as exc:
        return Entry((-1, -1), problems=(Problem(rel, None, f"cannot be read ({exc.strerror})"),))
    if snap.data is None:
        return Entry((-1, -1))
    data = snap.data
    key = (snap.size, snap.mtime_ns)
    digest = snap.digest if hashing else ""
    if rel == config.agenda.replace("\\", "/"):
        return Entry(key, digest)
    refused = _refusal(rel, snap.size)
    if refused is not None:  # said only of notes that may be interviews
        word = config.type_value.encode().lower()
        problems = (Problem(printable(rel), None, refused),) if word in data[:4096].lower() else ()
        return Entry(key, digest, problems=problems)
    try:
        text = candidate_text(rel, data, config)
        found = None if text is None else parse_text(rel, text, config)
    except NoteError as exc:  # only notes that name the type are read: report it
        return Entry(key, digest, problems=(Problem(exc.path, exc.line, exc.message),))
    if not found or text is None:
        return Entry(key, digest, person=_maybe_person(rel, data))
    interview, lesser = found
    return Entry(key, digest, interview, lesser, Source.of(snap))


Shipped = tuple[str, Key, str, Interview | None, tuple[Problem, ...], tuple[PersonData, ...]]


def _read_share(root: Path, config: Config, rels: list[str], hashing: bool) -> bytes:
    """A child's share, sent back as msgpack: values only (10,000 interview notes: 8 MB and
    0.14 s to make and take, against 71 MB and 0.69 s as a pickle of the entries with their
    texts). A note's bytes are not sent: the few notes a run edits are read again when it
    plans their edits, as a run from the cache reads them (each edit is worked out from the
    text it is made to, see `writeback`), and the others are never needed (25 MB not sent, nor
    kept, for 10,000 interview notes)."""
    shipped: list[Shipped] = []
    for rel in rels:
        entry = read_entry(root, config, rel, hashing)
        shipped.append(
            (rel, entry.key, entry.digest, entry.interview, entry.problems, entry.person)
        )
    return cache.pack(shipped)


def _unpack_share(data: bytes) -> list[tuple[str, Entry]]:
    found = []
    for rel, key, digest, interview, problems, person in cache.unpack(data, list[Shipped]):
        found.append((rel, Entry(key, digest, interview, problems, None, person)))
    return found


def _cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _fork_shares(
    root: Path, config: Config, rels: list[str], count: int, hashing: bool
) -> list[tuple[int, int]]:
    """Fork a child for each share of `rels` but the first (every `count`-th note from the
    share's number: interview notes sit together in a folder, and a run of neighbours would
    leave one process with nearly all the parsing); each sends its entries back on a pipe as
    msgpack (see `_read_share`). Returns (pid, read end) for each child.

    A plain fork, not a `concurrent.futures` pool: the parent reads its own share meanwhile
    instead of waiting, and a child that fails only costs its share being read again."""
    children = []
    for share in range(1, count):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns, never runs the parent's exit handlers
            code = 1
            try:
                os.close(read_end)
                data = _read_share(root, config, rels[share::count], hashing)
                with open(write_end, "wb") as pipe:
                    pipe.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        children.append((pid, read_end))
    return children


def _collect(pid: int, pipe: int, kill: bool = False) -> bytes | None:
    """What a child sent, once it exited well; None when it failed (or is stopped by `kill`)."""
    data = None
    try:
        if kill:
            os.kill(pid, signal.SIGKILL)
        else:
            with open(pipe, "rb", closefd=False) as stream:
                data = stream.read()
    finally:
        os.close(pipe)
        _, status = os.waitpid(pid, 0)
    return data if os.waitstatus_to_exitcode(status) == 0 else None


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
            for rel, entry in self._read_all(todo, progress):
                old = self.entries.get(rel)
                self.entries[rel] = entry
                if entry.person:  # read with the rest: `person_data` need not read it again
                    self._read_people[rel] = (entry.key, entry.person[0])
                if old is None or old.digest != entry.digest or not self.hashing:
                    changed.add(rel)
            for rel in set(self.entries) - set(seen):
                del self.entries[rel]
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
                if self.entries.pop(rel, None) is not None:
                    changed.add(rel)
                continue
            entry = read_entry(self.root, self.config, rel, self.hashing)
            old = self.entries.get(rel)
            if old is None or old.digest != entry.digest or not self.hashing:
                changed.add(rel)
            self.entries[rel] = entry
        return self._changed(changed)

    def _changed(self, changed: set[str]) -> set[str]:
        self.dirty = self.dirty or bool(changed)
        if any(rel in self.people for rel in changed):
            self._stamp += 1  # a person note changed: resolve people again
        return changed

    def _read_all(
        self, rels: list[str], progress: Progress | None = None
    ) -> Iterable[tuple[str, Entry]]:
        """Read and parse `rels`: a cold vault on every core (see `_fork_shares`), else here."""
        total, shown = len(rels), 0

        def tell(done: int) -> None:
            nonlocal shown
            if progress is not None and done > shown:
                shown = done
                progress(done, total)

        count = min(_cores(), 8) if self.parallel and hasattr(os, "fork") else 1
        if count < 2 or total < PARALLEL_FROM:
            count = 1
        children = _fork_shares(self.root, self.config, rels, count, self.hashing)
        out: list[tuple[str, Entry]] = []
        try:
            for number, rel in enumerate(rels[0::count], 1):  # this process reads a share too
                out.append((rel, read_entry(self.root, self.config, rel, self.hashing)))
                if number % 100 == 0:
                    tell(min(number * count, total - count + 1))
            for share, (pid, pipe) in enumerate(children, 1):
                data = _collect(pid, pipe)
                try:
                    found = None if data is None else _unpack_share(data)
                except ValueError:  # msgspec's DecodeError: a child's bug, not the notes'
                    found = None
                if found is None or len(found) != len(rels[share::count]):
                    # a child that failed (killed, out of memory): its share is read here
                    found = [
                        (rel, read_entry(self.root, self.config, rel, self.hashing))
                        for rel in rels[share::count]
                    ]
                out += found
                tell(len(out))
            children = []
        finally:
            for pid, pipe in children:  # interrupted: no child is left behind
                _collect(pid, pipe, kill=True)
        tell(total)
        return out

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

    def loaded(self) -> Loaded:
        """What the vault says now. The watcher calls this on every save, so what did not
        change is reused: the sorted paths and names while no note came or went, and each
        interview's resolved people while neither it, the names nor the person notes changed."""
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
        for rel in self._order:
            entry = self.entries[rel]
            problems.extend(entry.problems)
            if entry.interview:
                interviews.append(entry.interview)
                if entry.source:
                    sources[rel] = entry.source
        loaded = Loaded(tuple(interviews), tuple(problems), self._names, sources)
        resolved = []
        people: dict[str, Person] = {}  # each linked person resolved once in this pass
        for note in interviews:
            memo = self._resolved.get(note.path)
            if memo is not None and memo[0] is note and memo[1] == self._stamp:
                resolved.append(memo[2])
                continue
            (done,) = resolve_people(self.root, loaded, [note], self.person_data, people)
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


def read_person(root: Path, rel: str) -> PersonData:
    """The contact fields of a person note's frontmatter (None when it has none)."""
    try:
        snap = vault.read(root, rel)
    except OSError:
        return None
    return person_fields(rel, snap.data or b"")


def _maybe_person(rel: str, data: bytes) -> tuple[PersonData, ...]:
    """A note that looks like a person note (an email or a phone in its frontmatter) has its
    contact fields read with the rest of the vault: (fields,), else (). Only the first 2 KB
    are looked at: a person note it misses is read when a link to it is resolved."""
    end = data.find(b"\n---", 3, 2048)  # its frontmatter, or so (a miss is read later)
    head = data[: end if end != -1 else 2048]
    if head[:3] in (b"---", BOM.encode()) and (b"email" in head or b"phone" in head):
        return (person_fields(rel, data),)
    return ()


def person_fields(rel: str, data: bytes) -> PersonData:
    """The contact fields of a person note's bytes (None when it has none)."""
    try:
        text = decode(data, rel)
        block = find_frontmatter(text)
        fields = load_frontmatter(block, rel) if block else None
    except NoteError:
        return None
    if fields is None:
        return None
    return {
        k: str(v).strip()
        for k, v in fields.items()
        if k in ("email", "phone", "title", "linkedin") and isinstance(v, str | int)
    }


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

    for note in notes:
        if not any(p.link for p in (*note.interviewers, *note.references)):
            yield note
            continue
        yield replace(
            note,
            interviewers=tuple(resolve(p) for p in note.interviewers),
            references=tuple(resolve(p) for p in note.references),
        )
