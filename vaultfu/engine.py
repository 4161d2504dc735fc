"""Open the vault, parse the notes, plan, render, write: the one place that wires it together.

All disk access goes through `vault`; everything else called here is pure. A run is planned in
memory first (ticks carried back, then tasks, drafts and cancellations, then the agenda), and
only then written, note by note, each write checked against a concurrent change.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import pickle
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import vault
from .agenda import render_region
from .config import Config
from .drafts import DraftError, draft_section, heading
from .edits import (
    RegionError,
    append_sections,
    insert_tasks,
    is_follow_ups,
    region_of,
    replace_region,
    set_task_mark,
)
from .errors import NoteError, Refused, WriteConflict
from .model import Action, Agenda, Interview, Kind, Person, Problem, TaskStatus
from .notes import (
    BOM,
    decode,
    find_frontmatter,
    is_interview,
    key_line,
    load_frontmatter,
    might_be,
    parse_interview,
    parse_structure,
    person_from,
)
from .playbook import Plan, plan, user_task_id
from .stats import Stats, compute, mermaid

# ---------------------------------------------------------------------------------------------
# Reading the vault


@dataclass(frozen=True)
class Source:
    """An interview note as read: the bytes a write must still find, and its text."""

    snapshot: vault.Snapshot
    text: str  # without the BOM
    bom: bool

    def encode(self, text: str) -> bytes:
        return ((BOM if self.bom else "") + text).encode("utf-8")


@dataclass(frozen=True)
class Loaded:
    """What the vault says: its interviews, the notes vaultfu could not read, its note names."""

    interviews: tuple[Interview, ...]
    problems: tuple[Problem, ...]
    names: dict[str, list[str]]  # casefolded note name → paths, for links
    sources: dict[str, Source] = field(default_factory=dict)  # interview notes only

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


def parse_one(
    rel: str, data: bytes, config: Config
) -> tuple[Interview, tuple[Problem, ...]] | None:
    """One note's bytes → its interview facts, or None when it is not an interview note."""
    text = candidate_text(rel, data, config)
    return None if text is None else parse_text(rel, text, config)


def candidate_text(rel: str, data: bytes, config: Config) -> str | None:
    """The text of a note that may be an interview note, or None.

    Most notes of a vault are not interviews: those whose frontmatter cannot even contain the
    type's value are passed over on their bytes, without decoding or parsing them."""
    start = 3 if data.startswith(BOM.encode()) else 0
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: say so when it is an interview
        text = data.decode("utf-16", "replace")
        if might_be(text.lstrip(BOM), config.type_value):
            raise NoteError(rel, 1, "is UTF-16 text; vaultfu reads UTF-8 notes only")
        return None
    if data[start : start + 3] != b"---":
        return None
    word = config.type_value.encode("utf-8")
    if word.isascii():
        end = data.find(b"\n---", start + 3)
        if word.lower() not in data[start : end if end != -1 else len(data)].lower():
            return None
    return decode(data, rel)


def parse_text(rel: str, text: str, config: Config) -> tuple[Interview, tuple[Problem, ...]] | None:
    if not might_be(text, config.type_value):
        return None
    block = find_frontmatter(text)
    if block is None:
        if re.search(
            rf"^{re.escape(config.type_key)}[ \t]*:[ \t]*['\"]?{re.escape(config.type_value)}\b",
            text,
            re.MULTILINE | re.IGNORECASE,
        ):
            message = "its frontmatter starts with `---` but no `---` line closes it"
            raise NoteError(rel, 1, message)
        return None
    fields = load_frontmatter(block, rel)
    if fields is None or not is_interview(fields, config.type_key, config.type_value):
        return None
    return parse_interview(fields, block, text[block.body_offset :], rel)


@dataclass(frozen=True)
class Entry:
    """What one note said when it was last read: kept so that unchanged notes are not read
    again (the watcher, the periodic rescan)."""

    key: tuple[int, int]  # (size, mtime_ns) when read
    digest: str = ""  # sha256 of the bytes read: a save that changes nothing changes nothing
    interview: Interview | None = None
    problems: tuple[Problem, ...] = ()
    source: Source | None = None  # interview notes only


PersonData = dict[str, str] | None
Progress = Callable[[int, int], None]
CACHE_FORMAT = 1
MAX_NOTE_BYTES = 4_000_000  # an interview note larger than this is refused, not parsed
RACY_NS = 2_000_000_000  # entries this close to the cache's own mtime are read again
PARALLEL_FROM = 200  # notes to read before a process pool pays for itself


def read_entry(root: Path, config: Config, rel: str, hashing: bool = False) -> Entry:
    """Read and parse one note into an index entry (the unit of work, also in a pool)."""
    try:
        snap = vault.read(root, rel)
    except OSError as exc:
        return Entry((-1, -1), problems=(Problem(rel, None, f"cannot be read ({exc.strerror})"),))
    if snap.data is None:
        return Entry((-1, -1))
    data = snap.data
    key = (snap.size, snap.mtime_ns)
    digest = snap.digest if hashing else ""
    word = config.type_value.encode().lower()
    if rel == config.agenda.replace("\\", "/"):
        return Entry(key, digest)
    if len(data) > MAX_NOTE_BYTES:
        if word not in data[:4096].lower():
            return Entry(key, digest)
        size = f"{len(data) / 1e6:.0f} MB"
        message = f"is {size}, too large for an interview note; vaultfu leaves it alone"
        return Entry(key, digest, problems=(Problem(rel, None, message),))
    if vault.is_conflict_copy(rel):
        if word not in data[:4096].lower():
            return Entry(key, digest)
        message = (
            "is a sync-conflict copy of an interview note: merge what you need into the "
            "original and delete it (vaultfu does not read or write it)"
        )
        return Entry(key, digest, problems=(Problem(rel, None, message),))
    try:
        text = candidate_text(rel, data, config)
        found = None if text is None else parse_text(rel, text, config)
    except NoteError as exc:  # only notes that name the type are read: report it
        return Entry(key, digest, problems=(Problem(exc.path, exc.line, exc.message),))
    if not found or text is None:
        return Entry(key, digest)
    interview, lesser = found
    bom = data.startswith(BOM.encode())
    return Entry(key, digest, interview, lesser, Source(snap, text, bom))


def _read_chunk(job: tuple[Path, Config, list[str]]) -> list[tuple[str, Entry]]:
    root, config, rels = job
    return [(rel, read_entry(root, config, rel)) for rel in rels]


class Index:
    """The vault's notes as last read, refreshed in full (cheap: a stat per note, a read only
    for what changed) or for the paths an observer reported.

    `hashing` keeps each note's content hash, so that a save which changes nothing (vaultfu's
    own write, read back) is no change; `parallel` reads a cold vault with a process pool."""

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
        self.dirty = False  # changed since the cache was read
        self._order: list[str] | None = None  # sorted paths, while no note comes or goes
        self._names: dict[str, list[str]] = {}
        self._stamp = 0  # bumped when names or person notes change: resolved people expire
        self._resolved: dict[str, tuple[Interview, int, Interview]] = {}

    def refresh(
        self, paths: Iterable[str] | None = None, progress: Progress | None = None
    ) -> set[str]:
        """Read again what changed; returns the paths whose entry changed (or went away).
        `progress(done, total)` is told how far a full refresh has read."""
        changed: set[str] = set()
        if paths is None:
            seen = {}
            todo = []
            temp: list[str] = []
            for rel, key in vault.scan(self.root, temp):
                if rel.startswith(self.skip):
                    continue
                seen[rel] = key
                old = self.entries.get(rel)
                if old is None or old.key != key:
                    todo.append(rel)
            for rel, entry in self._read_all(todo, progress):
                old = self.entries.get(rel)
                self.entries[rel] = entry
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
        tell = progress or (lambda done, total: None)
        if not self.parallel or len(rels) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
            out = []
            for number, rel in enumerate(rels, 1):
                out.append((rel, read_entry(self.root, self.config, rel, self.hashing)))
                if number % 100 == 0 or number == len(rels):
                    tell(number, len(rels))
            return out
        import concurrent.futures
        import multiprocessing

        workers = min(os.cpu_count() or 2, 8)
        size = -(-len(rels) // (workers * 4))
        jobs = [(self.root, self.config, rels[i : i + size]) for i in range(0, len(rels), size)]
        context = multiprocessing.get_context("fork")
        found: list[tuple[str, Entry]] = []
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            for chunk in pool.map(_read_chunk, jobs):
                found += chunk
                tell(len(found), len(rels))
        return found

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
            fingerprint, plain, special, people = pickle.loads(data)
            if fingerprint != self._fingerprint():
                return
            fresh = cache_mtime - RACY_NS
            entries = {rel: Entry(key) for rel, key in plain.items() if key[1] < fresh}
            entries.update(
                (rel, entry)
                for rel, entry in special.items()
                if isinstance(entry, Entry) and entry.key[1] < fresh
            )
            self.entries = entries
            self.people = {rel: (key, f) for rel, (key, f) in people.items() if key[1] < fresh}
        except Exception:  # a corrupt cache is no error: it is rebuilt from the notes
            self.entries, self.people = {}, {}

    def save_cache(self) -> None:
        if not self.dirty:
            return
        plain = {}  # most notes: nothing but their key, which unpickles fast
        special = {}
        for rel, entry in self.entries.items():
            if entry.interview is None and not entry.problems:
                plain[rel] = entry.key
            else:
                special[rel] = replace(entry, source=None, digest="")
        state = (self._fingerprint(), plain, special, self.people)
        data = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        vault.write_cache(self.root, data)
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
        for note in interviews:
            memo = self._resolved.get(note.path)
            if memo is not None and memo[0] is note and memo[1] == self._stamp:
                resolved.append(memo[2])
                continue
            (done,) = _resolve_people(self.root, loaded, [note], self.person_data)
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
        data = read_person(self.root, rel)
        self.people[rel] = (key, data)
        self.dirty = True
        return data


def load(
    root: Path, config: Config, *, cache: bool = True, progress: Progress | None = None
) -> Loaded:
    """The vault as it is now; with `cache`, notes unchanged since the last run (same path, size
    and mtime) are taken from the cache instead of being read and parsed again."""
    index = Index(root, config, parallel=True)
    if cache:
        index.load_cache()
    index.refresh(progress=progress)
    loaded = index.loaded()
    if cache:
        index.save_cache()
    return loaded


def read_person(root: Path, rel: str) -> PersonData:
    """The contact fields of a person note's frontmatter (None when it has none)."""
    try:
        snap = vault.read(root, rel)
        text = decode(snap.data or b"", rel)
        block = find_frontmatter(text)
        data = load_frontmatter(block, rel) if block else None
    except (NoteError, OSError):
        return None
    if data is None:
        return None
    return {
        k: str(v).strip()
        for k, v in data.items()
        if k in ("email", "phone", "title", "linkedin") and isinstance(v, str | int)
    }


def _resolve_people(
    root: Path,
    loaded: Loaded,
    notes: Iterable[Interview],
    person_data: Callable[[str], PersonData] | None = None,
) -> Iterable[Interview]:
    """Fill in `[[Person note]]` links from the person notes' frontmatter."""
    cache: dict[str, Person] = {}
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
        return replace(found, name=person.name) if person.name != person.link else found

    for note in notes:
        if not any(p.link for p in (*note.interviewers, *note.references)):
            yield note
            continue
        yield replace(
            note,
            interviewers=tuple(resolve(p) for p in note.interviewers),
            references=tuple(resolve(p) for p in note.references),
        )


# ---------------------------------------------------------------------------------------------
# Editing one interview note (pure: text in, text out)


def note_task_line(action: Action, draft: str | None, done: dt.date | None = None) -> str:
    """The task line vaultfu writes into an interview note."""
    parts = [action.text]
    if action.channel.value != "none":
        parts.append(action.channel.value)
    if draft:
        parts.append(f"[[#{draft}|draft]]")
    box, stamp = ("x", f" ✅ {done.isoformat()}") if done else (" ", "")
    return f"- [{box}] {' · '.join(parts)} 📅 {action.due.isoformat()} 🆔 {action.id}{stamp}"


@dataclass(frozen=True)
class Wanted:
    """What a run wants of the notes; each note's edits are derived from it and its own text,
    so they can be planned again on a fresh read."""

    today: dt.date
    ticks: Mapping[str, tuple[TaskStatus, dt.date]]  # id → done or cancelled, on a day
    actions: Mapping[str, Action]  # every action that applies, by id
    materialize: frozenset[str] = frozenset()  # ids whose task (and draft) belong in the notes
    force_drafts: frozenset[str] = frozenset()  # ids to draft again even with a task present
    drafts: Mapping[str, str] = field(default_factory=dict)  # id → rendered section
    cancel_stale: bool = True

    @functools.cached_property
    def by_note(self) -> dict[str, list[str]]:
        """The ids to materialize, per note, in the order their lines are written."""
        groups: dict[str, list[str]] = defaultdict(list)
        for ident in sorted(self.materialize, key=lambda i: _order(self.actions[i])):
            groups[self.actions[ident].note].append(ident)
        return groups


def _interview_of(text: str, rel: str, config: Config) -> Interview | None:
    found = parse_text(rel, text, config)
    return found[0] if found else None


Mark = tuple[int, str, str]  # (line, new checkbox, stamp to append)


def tick_ops(interview: Interview, wanted: Wanted) -> tuple[list[Mark], list[Action]]:
    """Phase one, decided from a note's tasks: ticks from the agenda or `vaultfu done` land on
    their task lines; a task ticked by hand without a date gets today's ✅; a ticked action with
    no line yet gets one (already ticked)."""
    marks: list[Mark] = []
    present = set()
    for task in interview.tasks:
        if not wanted.ticks:  # the common case: only boxes ticked by hand need a date
            if task.is_vaultfu and task.status is TaskStatus.DONE and task.done is None:
                marks.append((task.line, "x", f"✅ {wanted.today.isoformat()}"))
            continue
        ident = task.id if task.is_vaultfu and task.id else user_task_id(interview, task)
        present.add(ident)
        tick = wanted.ticks.get(ident)
        if tick and task.status is TaskStatus.OPEN:
            status, day = tick
            mark, emoji = ("x", "✅") if status is TaskStatus.DONE else ("-", "❌")
            marks.append((task.line, mark, f"{emoji} {day.isoformat()}"))
        elif task.is_vaultfu and task.status is TaskStatus.DONE and task.done is None:
            marks.append((task.line, "x", f"✅ {wanted.today.isoformat()}"))
    missing = [
        wanted.actions[i]
        for i, (status, _) in wanted.ticks.items()
        if status is TaskStatus.DONE
        and i not in present
        and i in wanted.actions
        and wanted.actions[i].note == interview.path
    ]
    return marks, missing


def carry_ticks(text: str, rel: str, config: Config, wanted: Wanted) -> str:
    interview = _interview_of(text, rel, config)
    if interview is None:
        return text
    marks, missing = tick_ops(interview, wanted)
    for line, mark, stamp in marks:
        text = set_task_mark(text, line, mark, stamp)
    if missing:
        lines = [note_task_line(a, None, wanted.ticks[a.id][1]) for a in missing]
        text = insert_tasks(text, _follow_ups_section(text, rel, config), lines)
    return text


def _follow_ups_section(text: str, rel: str, config: Config) -> tuple[int, int] | None:
    block = find_frontmatter(text)
    if block is None:
        return None
    structure = parse_structure(text[block.body_offset :], block.body_line, rel)
    headings = structure.headings
    for index, h in enumerate(headings):
        if is_follow_ups(h.level, h.title):
            stop = next((n.line for n in headings[index + 1 :] if n.level <= 2), 10**9)
            return h.end, stop
    return None


def follow_up_ops(interview: Interview, wanted: Wanted) -> tuple[list[Mark], list[str], list[str]]:
    """Phase two, decided from a note's tasks: due actions get their task line (and draft);
    open tasks of actions that no longer apply are cancelled."""
    present = {t.id for t in interview.tasks if t.id}
    marks: list[Mark] = []
    if wanted.cancel_stale:
        for task in interview.tasks:
            if task.is_vaultfu and task.status is TaskStatus.OPEN and task.id not in wanted.actions:
                marks.append((task.line, "-", f"❌ {wanted.today.isoformat()}"))
    new_lines, sections = [], []
    for ident in wanted.by_note.get(interview.path, ()):
        action = wanted.actions[ident]
        draft = wanted.drafts.get(ident)
        if ident not in present:
            new_lines.append(note_task_line(action, heading(action) if draft else None))
            if draft:
                sections.append(draft)
        elif ident in wanted.force_drafts and draft:
            sections.append(draft)
    return marks, new_lines, sections


def add_follow_ups(text: str, rel: str, config: Config, wanted: Wanted) -> str:
    interview = _interview_of(text, rel, config)
    if interview is None:
        return text
    marks, new_lines, sections = follow_up_ops(interview, wanted)
    for line, mark, stamp in marks:
        text = set_task_mark(text, line, mark, stamp)
    text = insert_tasks(text, _follow_ups_section(text, rel, config), new_lines)
    return append_sections(text, sections)


def _order(action: Action) -> tuple[dt.date, str, str]:
    return (action.due, action.kind.value, action.person.name if action.person else "")


def edit_note(text: str, rel: str, config: Config, wanted: Wanted) -> str:
    return add_follow_ups(carry_ticks(text, rel, config, wanted), rel, config, wanted)


def check_edit(before: str, after: str, rel: str, config: Config, wanted: Wanted) -> str | None:
    """What is wrong with an edit, or None. Refuses any edit a second run would repeat."""
    if after == before:
        return None
    block = find_frontmatter(before)
    if block is None or not after.startswith(before[: block.body_offset]):
        return "the edit would change the frontmatter; left as it is"
    settled = replace(wanted, force_drafts=frozenset()) if wanted.force_drafts else wanted
    again = edit_note(after, rel, config, settled)
    if again != after:
        return (
            "vaultfu cannot place its task lines where Markdown reads them as tasks "
            "(is there an unclosed code block?); left as it is"
        )
    return None


# ---------------------------------------------------------------------------------------------
# A run


@dataclass(frozen=True)
class Write:
    rel: str
    before: bytes
    after: bytes

    def diff(self) -> str:
        old = self.before.decode("utf-8", "replace").splitlines(keepends=True)
        new = self.after.decode("utf-8", "replace").splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, new, f"a/{self.rel}", f"b/{self.rel}"))


@dataclass(frozen=True)
class Request:
    """What the command asks for beyond the agenda itself."""

    done: Mapping[str, dt.date] = field(default_factory=dict)  # `vaultfu done ID --on DATE`
    draft_note: str | None = None  # `vaultfu draft NOTE`
    draft_kind: Kind | None = None
    force: bool = False


@dataclass(frozen=True)
class RunResult:
    agenda: Agenda
    agenda_path: str
    region: str
    pinned: bool  # the day came from `.vaultfu.toml`
    writes: tuple[Write, ...]  # planned writes (all of them, written or not)
    written: tuple[str, ...]  # what was really written
    drafted: tuple[Action, ...] = ()  # actions that got a new draft this run
    committed: tuple[str, ...] = ()  # what was committed to git (with --commit)
    message: str = ""  # the commit message

    @property
    def agenda_written(self) -> bool:
        return self.agenda_path in self.written


Ticks = dict[str, tuple[TaskStatus, dt.date]]


_TICKED = re.compile(r"\[[xX\-]\]")


def agenda_ticks(text: str | None, rel: str, today: dt.date) -> Ticks:
    """Boxes the user ticked (or cancelled) inside the agenda's region."""
    region = region_of(text or "")
    if not region or not _TICKED.search(region):  # vaultfu writes only open boxes there
        return {}
    ticks: Ticks = {}
    for task in parse_structure(region, 1, rel).tasks:
        if task.id and task.status is not TaskStatus.OPEN:
            ticks[task.id] = (task.status, today)
    return ticks


@dataclass(frozen=True)
class NotesPlan:
    plan: Plan  # the plan after ticks were carried back
    wanted: Wanted
    edits: dict[str, str]  # rel → the note's new text, for notes that change
    problems: tuple[Problem, ...]


def plan_notes(
    text_of: Callable[[str], str],
    interviews: tuple[Interview, ...],
    *,
    config: Config,
    today: dt.date,
    ticks: Ticks,
    request: Request,
    template: Callable[[str], str],
    resolve: Callable[[Iterable[Interview]], Iterable[Interview]],
    edits: bool = True,
) -> NotesPlan:
    """Every edit a run makes to the interview notes. Which notes change is decided from their
    parsed tasks; only those are read as text (`text_of`) and edited. No disk here: the text
    source, the template source and the person-link resolver are passed in."""
    # Phase one: carry ticks back into the notes.
    first = plan(interviews, today=today, rules=config.playbook)
    wanted = Wanted(today=today, ticks=ticks, actions={a.id: a for a in first.actions})
    ticked: dict[str, str] = {}
    for note in interviews:
        marks, missing = tick_ops(note, wanted)
        if marks or missing:
            ticked[note.path] = carry_ticks(text_of(note.path), note.path, config, wanted)
    if ticked:
        fresh = []
        for note in interviews:
            found = (
                parse_text(note.path, ticked[note.path], config) if note.path in ticked else None
            )
            fresh.append(next(iter(resolve([found[0]]))) if found else note)
        interviews = tuple(fresh)

    # Phase two: plan again (when ticks changed a note) and add what is due.
    second = plan(interviews, today=today, rules=config.playbook) if ticked else first
    if not edits:  # the agenda only (--no-write): ticks count, nothing else is planned
        return NotesPlan(second, wanted, {}, ())
    problems: list[Problem] = []
    wanted = _wanted(config, second, interviews, today, ticks, request, template, problems)
    changes: dict[str, str] = {}
    for note in interviews:
        rel = note.path
        marks, new_lines, sections = follow_up_ops(note, wanted)
        if not (marks or new_lines or sections or rel in ticked):
            continue
        before = text_of(rel)
        new = add_follow_ups(ticked.get(rel, before), rel, config, wanted)
        trouble = check_edit(before, new, rel, config, wanted)
        if trouble:
            problems.append(Problem(rel, None, trouble))
        elif new != before:
            changes[rel] = new
    return NotesPlan(second, wanted, changes, tuple(problems))


@dataclass(frozen=True)
class Prepared:
    """A planned run: everything read and decided, nothing written yet."""

    root: Path
    config: Config
    loaded: Loaded
    agenda_snap: vault.Snapshot | None  # None: the agenda note cannot be written
    wanted: Wanted
    result: RunResult


def prepare(
    root: Path,
    *,
    today: dt.date | None,
    clock: dt.date,
    request: Request | None = None,
    index: Index | None = None,
    edits: bool = True,
    progress: Progress | None = None,
) -> Prepared:
    """Read the vault (or take the watcher's index of it) and plan every write, in memory."""
    request = request or Request()
    if index is None:
        root = vault.open_vault(root)
        config = vault.read_config(root)
        loaded = load(root, config, progress=progress)
    else:
        root, config, loaded = index.root, index.config, index.loaded()
    day = today or config.today or clock
    problems = list(loaded.problems)
    agenda_snap: vault.Snapshot | None = vault.read(root, config.agenda)
    agenda_text = None
    try:
        if agenda_snap and agenda_snap.data is not None:
            agenda_text = decode(agenda_snap.data, config.agenda)
    except NoteError as exc:
        problems.append(Problem(exc.path, exc.line, exc.message))
        agenda_snap = None

    ticks = agenda_ticks(agenda_text, config.agenda, day)
    ticks.update({i: (TaskStatus.DONE, on) for i, on in request.done.items()})
    sources = dict(loaded.sources)

    def text_of(rel: str) -> str:
        if rel not in sources:  # the index came from the cache: read the note now
            snap = vault.read(root, rel)
            data = snap.data or b""
            sources[rel] = Source(snap, decode(data, rel), data.startswith(BOM.encode()))
        return sources[rel].text

    planned = plan_notes(
        text_of,
        loaded.interviews,
        config=config,
        today=day,
        ticks=ticks,
        request=request,
        template=functools.partial(vault.read_template, root),
        resolve=lambda notes: _resolve_people(root, loaded, notes),
        edits=edits,
    )
    second, wanted, changes = planned.plan, planned.wanted, planned.edits
    problems.extend(planned.problems)

    agenda = Agenda(today=day, actions=second.open(), waiting=second.waiting, problems=())
    chart = mermaid(compute(loaded.interviews))
    region = render_region(replace(agenda, problems=_sorted(problems)), loaded.link_for, chart)
    writes = [
        Write(rel, sources[rel].snapshot.data or b"", sources[rel].encode(new))
        for rel, new in sorted(changes.items())
    ]
    if agenda_snap is not None:
        try:
            new_agenda = replace_region(agenda_text or "", region)
            bom = BOM if (agenda_snap.data or b"").startswith(BOM.encode()) else ""
            after = (bom + new_agenda).encode("utf-8")
            if after != agenda_snap.data:
                writes.append(Write(config.agenda, agenda_snap.data or b"", after))
        except RegionError as exc:
            problems.append(Problem(config.agenda, exc.line, str(exc)))
            agenda_snap = None
    drafted = tuple(
        a
        for a in sorted((wanted.actions[i] for i in wanted.drafts), key=_order)
        if a.note in changes
        and changes[a.note].count(heading(a)) > sources[a.note].text.count(heading(a))
    )
    result = RunResult(
        agenda=replace(agenda, problems=_sorted(problems)),
        agenda_path=config.agenda,
        region=region,
        pinned=today is None and config.today is not None,
        writes=tuple(writes),
        written=(),
        drafted=drafted,
    )
    return Prepared(root, config, replace(loaded, sources=sources), agenda_snap, wanted, result)


def commit(prepared: Prepared) -> RunResult:
    """Carry out the planned writes, each atomic and checked against a concurrent change."""
    result = prepared.result
    written: list[str] = []
    problems = list(result.agenda.problems)
    for w in result.writes:
        try:
            if _write_one(prepared, w):
                written.append(w.rel)
        except NoteError as exc:
            problems.append(Problem(exc.path, exc.line, exc.message))
    agenda = replace(result.agenda, problems=_sorted(problems))
    return replace(result, agenda=agenda, written=tuple(written))


def run(
    root: Path,
    *,
    today: dt.date | None,
    clock: dt.date,
    write: bool,
    request: Request | None = None,
    edits: bool = True,
    git: bool | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Plan everything, then write (with write=False, only return the planned writes; with
    edits=False, plan the agenda alone). With `git` (or `commit = true` in the settings),
    vaultfu's own writes are committed, and nothing of the user's."""
    prepared = prepare(
        root, today=today, clock=clock, request=request, edits=edits, progress=progress
    )
    if not write:
        return prepared.result
    wants_git = prepared.config.commit if git is None else git
    before = (
        vault.git_state(prepared.root, [w.rel for w in prepared.result.writes])
        if wants_git
        else None
    )
    result = commit(prepared)
    if before is None or not result.written:
        return result
    changed, untracked = before
    created = {w.rel for w in prepared.result.writes if w.before == b""}
    theirs = [r for r in result.written if r in changed or (r in untracked and r not in created)]
    ours = [r for r in result.written if r not in theirs]
    message = commit_message(result, theirs)
    trouble = vault.git_commit(prepared.root, ours, message)
    if trouble:
        problems = (*result.agenda.problems, Problem(".git", None, f"not committed: {trouble}"))
        result = replace(result, agenda=replace(result.agenda, problems=_sorted(problems)))
    return replace(result, committed=tuple(ours), message=message)


def commit_message(result: RunResult, theirs: list[str]) -> str:
    """What vaultfu did, in one line: "vaultfu: agenda for 2026-11-22; 2 drafts (Acme, Globex)"."""
    parts = [f"vaultfu: agenda for {result.agenda.today.isoformat()}"]
    if result.drafted:
        companies = sorted({a.company for a in result.drafted})
        count = len(result.drafted)
        parts.append(f"{count} draft{'s' if count > 1 else ''} ({', '.join(companies)})")
    notes = [r for r in result.written if r != result.agenda_path and r not in theirs]
    if notes and not result.drafted:
        parts.append(f"follow-ups in {len(notes)} note{'s' if len(notes) > 1 else ''}")
    if theirs:
        parts.append("not committed, holding your own changes: " + ", ".join(sorted(theirs)))
    return "; ".join(parts)


def _sorted(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(sorted(problems, key=lambda p: (p.path, p.line or 0, p.message)))


def _wanted(
    config: Config,
    result: Plan,
    interviews: tuple[Interview, ...],
    day: dt.date,
    ticks: Mapping[str, tuple[TaskStatus, dt.date]],
    request: Request,
    template: Callable[[str], str],
    problems: list[Problem],
) -> Wanted:
    by_path = {n.path: n for n in interviews}
    present = {t.id for n in interviews for t in n.tasks if t.id}
    lead = dt.timedelta(days=config.lead_days)
    materialize: set[str] = set()
    force: set[str] = set()
    for action in result.open():
        if action.kind is Kind.TASK:
            continue
        if request.draft_note is not None:
            if action.note != request.draft_note or not action.kind.sends_message:
                continue
            if request.draft_kind is not None and action.kind is not request.draft_kind:
                continue
            materialize.add(action.id)
            if request.force:
                force.add(action.id)
        elif config.write_notes and action.due - lead <= day and action.id not in present:
            materialize.add(action.id)  # (a task already written needs nothing more)
    drafts: dict[str, str] = {}
    templates: dict[Kind, str] = {}
    by_id = {a.id: a for a in result.actions}
    for ident in sorted(materialize):
        action = by_id[ident]
        if not action.kind.sends_message:
            continue
        try:
            if action.kind not in templates:
                templates[action.kind] = template(action.kind.value)
            drafts[ident] = draft_section(
                action, by_path[action.note], templates[action.kind], config.user_name
            )
        except (DraftError, OSError, UnicodeDecodeError) as exc:
            where = f".vaultfu/templates/{action.kind.value}.md"
            problems.append(Problem(where, None, f"template cannot be used: {exc}"))
    return Wanted(
        today=day,
        ticks=ticks,
        actions={a.id: a for a in result.actions},
        materialize=frozenset(materialize),
        force_drafts=frozenset(force),
        drafts=drafts,
        cancel_stale=config.write_notes,
    )


def _write_one(prepared: Prepared, w: Write, attempts: int = 3) -> bool:
    """Write one planned change; when the file changed under us, read it again and plan this
    note's edits again on what is there now (never over the other writer's bytes)."""
    root, config, wanted = prepared.root, prepared.config, prepared.wanted
    is_agenda = w.rel == config.agenda
    if is_agenda:
        assert prepared.agenda_snap is not None
        snap = prepared.agenda_snap
    else:
        snap = prepared.loaded.sources[w.rel].snapshot
    data = w.after
    for _ in range(attempts):
        try:
            return vault.write(root, snap, data)
        except WriteConflict:
            snap = vault.read(root, w.rel)
            if snap.data is None and not is_agenda:
                raise NoteError(w.rel, None, "was removed while vaultfu was working") from None
            text = decode(snap.data or b"", w.rel)
            bom = BOM if (snap.data or b"").startswith(BOM.encode()) else ""
            if is_agenda:
                try:
                    new = replace_region(text, prepared.result.region)
                except RegionError as exc:
                    raise NoteError(w.rel, exc.line, str(exc)) from None
            else:
                new = edit_note(text, w.rel, config, wanted)
                trouble = check_edit(text, new, w.rel, config, wanted)
                if trouble:
                    raise NoteError(w.rel, None, trouble) from None
            data = (bom + new).encode("utf-8")
        except Refused as exc:
            raise NoteError(w.rel, None, str(exc).split(": ", 1)[1]) from None
        except OSError as exc:
            raise NoteError(w.rel, None, f"cannot be written ({exc.strerror})") from None
    raise NoteError(w.rel, None, "kept changing while vaultfu tried to write it; left as it is")


# ---------------------------------------------------------------------------------------------
# Setting a vault up, new notes, one key, checks, the calendar


def _create(root: Path, rel: str, text: str) -> bool:
    """Create a file that must not exist yet (never overwrites; False when it exists)."""
    snap = vault.read(root, rel)
    if snap.data is not None:
        return False
    return vault.write(root, snap, text.encode("utf-8"))


def init(root: Path) -> tuple[list[str], list[str]]:
    """`vaultfu init`: the settings, the agenda note, an interview template and, in an
    Obsidian vault, vaultfu's property types. Only creates and adds; returns (made, kept)."""
    from . import scaffold
    from .config import CONFIG_NAME

    root = vault.open_vault(root)
    made: list[str] = []
    kept: list[str] = []

    def create(rel: str, text: str) -> None:
        (made if _create(root, rel, text) else kept).append(rel)

    create(CONFIG_NAME, scaffold.config_text())
    config = vault.read_config(root)
    create(config.agenda, scaffold.agenda_text())
    folder = vault.templates_folder(root)
    obsidian = root / ".obsidian"
    create(f"{folder}/{scaffold.TEMPLATE_NAME}", scaffold.template_text())
    if obsidian.is_dir():
        snap = vault.read(root, ".obsidian/types.json")
        try:
            merged = scaffold.merged_types(snap.data.decode("utf-8") if snap.data else None)
        except (ValueError, UnicodeDecodeError) as exc:
            raise NoteError(".obsidian/types.json", None, str(exc)) from None
        if merged is None:
            kept.append(".obsidian/types.json")
        else:
            vault.write(root, snap, merged.encode("utf-8"))
            made.append(".obsidian/types.json")
    return made, kept


def new_note(
    root: Path,
    *,
    company: str,
    role: str,
    when: dt.datetime | dt.date,
    interviewers: list[str],
    round_: str | None,
    today: dt.date,
) -> str:
    """`vaultfu new`: a well-formed interview note; never overwrites. Returns its path."""
    from . import scaffold
    from .model import Status

    root = vault.open_vault(root)
    config = vault.read_config(root)
    day = when.date() if isinstance(when, dt.datetime) else when
    stamp = when.strftime("%Y-%m-%dT%H:%M") if isinstance(when, dt.datetime) else day.isoformat()
    rel = scaffold.note_name(config.new_note, company=company, role=role, day=day)
    status = Status.SCHEDULED if day >= today else Status.WAITING
    text = scaffold.new_note_text(
        company=company,
        role=role,
        date=stamp,
        interviewers=interviewers,
        round_=round_,
        status=status,
    )
    if parse_text(rel, text, config) is None:  # pragma: no cover - our own text always parses
        raise NoteError(rel, None, "could not make a valid note")
    if not _create(root, rel, text):
        raise Refused(f"{rel} exists already; vaultfu does not overwrite notes")
    return rel


def set_value(root: Path, rel: str, key: str, value: str) -> Write | None:
    """`vaultfu set`: change one frontmatter key's line (DESIGN §4.1). The note must still read
    as a valid interview note afterwards, or nothing is written."""
    from . import scaffold

    root = vault.open_vault(root)
    config = vault.read_config(root)
    snap = vault.read(root, rel)
    if snap.data is None:
        raise NoteError(rel, None, "no such note")
    text = decode(snap.data, rel)
    block = find_frontmatter(text)
    if block is None or parse_text(rel, text, config) is None:
        raise NoteError(rel, None, "is not an interview note")
    try:
        new = scaffold.set_key(text, block.body_offset, key, value)
    except ValueError as exc:
        raise NoteError(rel, key_line(block, key), str(exc)) from None
    parse_text(rel, new, config)  # raises NoteError, naming the line, when the value is wrong
    bom = BOM if snap.data.startswith(BOM.encode()) else ""
    after = (bom + new).encode("utf-8")
    if after == snap.data:
        return None
    vault.write(root, snap, after)
    return Write(rel, snap.data, after)


def check(root: Path) -> tuple[Problem, ...]:
    """`vaultfu check`: every problem the notes have (the settings raise on their own)."""
    root = vault.open_vault(root)
    config = vault.read_config(root)
    return _sorted(load(root, config).problems)


def calendar(root: Path, *, today: dt.date | None, clock: dt.date) -> tuple[bytes, int]:
    """`vaultfu ics`: the open follow-ups and the interviews; returns the file and its event
    count."""
    from .ics import calendar as build

    prepared = prepare(root, today=today, clock=clock, edits=False)
    actions = prepared.result.agenda.actions
    notes = prepared.loaded.interviews
    data = build(actions, notes, prepared.result.agenda.today)
    return data, len(actions) + sum(1 for n in notes if n.date)


def statistics(root: Path) -> Stats:
    """`vaultfu stats`."""
    root = vault.open_vault(root)
    config = vault.read_config(root)
    return compute(load(root, config).interviews)
