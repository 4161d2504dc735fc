"""One note read into what the index keeps of it (pure but for reading the note), and a cold
vault read on every core: this process and forked children, each reading a share."""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import msgspec

from . import cache, vault
from .body import find_tasks
from .config import Config
from .errors import NoteError
from .front import BOM, decode, find_frontmatter, load_frontmatter
from .ids import ids_present
from .model import Interview, Problem
from .notes import candidate_text, parse_text


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


PersonData = dict[str, str] | None


class Entry(msgspec.Struct, frozen=True, omit_defaults=True):
    """What one note said when it was last read: kept so that unchanged notes are not read
    again (the watcher, the periodic rescan)."""

    key: tuple[int, int]  # (size, mtime_ns) when read
    digest: str = ""  # sha256 of the bytes read: a save that changes nothing changes nothing
    interview: Interview | None = None
    problems: tuple[Problem, ...] = ()
    source: Source | None = None  # interview notes only
    person: tuple[PersonData, ...] = ()  # (its contact fields,) when read as a person note


Key = tuple[int, int]  # (size, mtime_ns)
Progress = Callable[[int, int], None]
MAX_NOTE_BYTES = 4_000_000  # an interview note larger than this is refused, not parsed
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


def line_ids(text: str, rel: str) -> tuple[str, ...]:
    """vaultfu's ids on the task lines of a note refused for its frontmatter (its body reads
    all the same): while the note is refused, no other note gets a line with one of them."""
    block = find_frontmatter(text)
    body, line = (text[block.body_offset :], block.body_line) if block else (text, 1)
    return tuple(sorted(ids_present(find_tasks(body, line, rel).tasks)))


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
    text = None
    try:
        text = candidate_text(rel, data, config)
        found = None if text is None else parse_text(rel, text, config)
    except NoteError as exc:  # only notes that name the type are read: report it
        ids = () if text is None else line_ids(text, rel)
        problem = Problem(exc.path, exc.line, exc.message, exc.application, ids)
        return Entry(key, digest, problems=(problem,))
    if not found or text is None:
        return Entry(key, digest, person=_maybe_person(rel, data))
    interview, lesser = found
    return Entry(key, digest, interview, lesser, Source.of(snap))


Shipped = tuple[str, Key, str, Interview | None, tuple[Problem, ...], tuple[PersonData, ...]]


def _read_share(root: Path, config: Config, rels: Iterable[str], hashing: bool) -> bytes:
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


class _Queue:
    """The notes to read, in runs of neighbours, handed out to whichever process asks first:
    a pipe filled before the fork with one token per run, read 4 bytes at a time by every
    process (a read that small takes a whole token; the pipe is emptied, never refilled, and
    its end of file tells each process it is done). A process that finishes early takes more
    runs instead of waiting for the others (interview notes sit together in a folder: a fixed
    share would leave one process with most of the parsing, and the parent, which forks,
    starts last)."""

    TOKEN = 4
    MAX_RUNS = 2048  # 8 KB of tokens: within any pipe's buffer, so the filling never blocks

    def __init__(self, rels: list[str], size: int = 16) -> None:
        size = max(size, -(-len(rels) // self.MAX_RUNS))
        self.runs = [rels[i : i + size] for i in range(0, len(rels), size)]
        self.fd, fill = os.pipe()
        try:
            tokens = b"".join(n.to_bytes(self.TOKEN, "little") for n in range(len(self.runs)))
            os.write(fill, tokens)
        finally:
            os.close(fill)

    def taken(self) -> Iterator[str]:
        """The notes of each run this process takes, until none is left."""
        while len(token := os.read(self.fd, self.TOKEN)) == self.TOKEN:
            number = int.from_bytes(token, "little")
            if number < len(self.runs):
                yield from self.runs[number]

    def close(self) -> None:
        os.close(self.fd)


def _fork_children(
    root: Path, config: Config, queue: _Queue, count: int, hashing: bool
) -> list[tuple[int, int]]:
    """Fork `count` children that take runs of notes from `queue`; each leaves its entries as
    msgpack (see `_read_share`) in a file of its own, in memory. Returns (pid, file) for each.

    A plain fork, not a `concurrent.futures` pool: the parent reads too instead of waiting, and
    a child that fails only costs its notes being read again. A memory file, not a pipe: a
    child that finished first does not wait for the parent to empty a pipe 64 KB at a time (40
    MB at 50,000 interview notes: 135 ms of the parent's time)."""
    children = []
    for _ in range(count):
        answer = _answer_file()
        pid = os.fork()
        if pid == 0:  # the child: never returns, never runs the parent's exit handlers
            code = 1
            try:
                data = _read_share(root, config, queue.taken(), hashing)
                with open(answer, "wb", closefd=False) as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        children.append((pid, answer))
    return children


def _answer_file() -> int:
    """An anonymous file in memory (Linux), else an unlinked temporary file."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("vaultfu-share", os.MFD_CLOEXEC)
    import tempfile

    fd, path = tempfile.mkstemp(prefix="vaultfu-share-")
    os.unlink(path)
    return fd


def _collect(pid: int, answer: int, kill: bool = False) -> bytes | None:
    """What a child left, once it exited well; None when it failed (or is stopped by `kill`)."""
    try:
        if kill:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if kill or os.waitstatus_to_exitcode(status) != 0:
            return None
        return os.pread(answer, os.fstat(answer).st_size, 0)
    finally:
        os.close(answer)


def read_all(
    root: Path,
    config: Config,
    rels: list[str],
    hashing: bool = False,
    parallel: bool = False,
    progress: Progress | None = None,
) -> list[tuple[str, Entry]]:
    """Read and parse `rels`: with `parallel` and enough of them, on every core, this process
    and forked children taking runs of notes from one queue (see `_Queue`), else here.
    `progress(done, total)` is told how far it got."""
    total, shown = len(rels), 0

    def tell(done: int) -> None:
        nonlocal shown
        if progress is not None and done > shown:
            shown = done
            progress(done, total)

    count = min(_cores(), 8) if parallel and hasattr(os, "fork") else 1
    found: dict[str, Entry] = {}
    if count >= 2 and total >= PARALLEL_FROM:
        queue = _Queue(rels)
        children: list[tuple[int, int]] = []
        try:
            children = _fork_children(root, config, queue, count - 1, hashing)
            for rel in queue.taken():  # this process reads its part too
                found[rel] = read_entry(root, config, rel, hashing)
                if len(found) % 16 == 0:
                    tell(min(len(found) * count, total - 1))
            for pid, answer in children[:]:
                data = _collect(pid, answer)
                children.remove((pid, answer))
                try:
                    shipped = [] if data is None else _unpack_share(data)
                except ValueError:  # msgspec's DecodeError: a child's bug, not the notes'
                    shipped = []
                for rel, entry in shipped:
                    found.setdefault(rel, entry)
                tell(min(len(found), total - 1))
        finally:
            queue.close()
            for pid, answer in children:  # interrupted: no child is left behind
                _collect(pid, answer, kill=True)
    # what no other process read is read here: every note, read alone; the notes a child
    # took and did not send (killed, out of memory)
    out = []
    for number, rel in enumerate(rels, 1):
        known = found.get(rel)
        out.append((rel, known if known is not None else read_entry(root, config, rel, hashing)))
        if number % 100 == 0:
            tell(number)
    tell(total)
    return out


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
