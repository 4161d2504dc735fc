"""The only module that touches the disk: list notes, read them, write them atomically."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import hashlib
import importlib.resources
import json
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .config import CONFIG_NAME, Config, parse_config
from .errors import ConfigError, Refused, VaultError, WriteConflict

SKIP_DIRS = {"node_modules", "__pycache__"}
TMP_SUFFIX = ".vaultfu-tmp"


@dataclass(frozen=True)
class Snapshot:
    """A file as it was read: what a later write is checked against."""

    rel: str
    data: bytes | None  # None: the file did not exist
    size: int = -1
    mtime_ns: int = -1

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data or b"").hexdigest()


def find_root(start: Path) -> Path | None:
    """The vault a folder is in, found as git finds `.git`: the nearest folder, from `start`
    up, that holds `.vaultfu.toml` or `.obsidian/`."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file() or (candidate / ".obsidian").is_dir():
            return candidate
    return None


def templates_folder(root: Path) -> str:
    """The folder of Obsidian's core Templates plugin (`.obsidian/templates.json`), where
    notes are templates, not notes: "Templates" unless the vault says otherwise."""
    try:
        folder = json.loads((root / ".obsidian" / "templates.json").read_bytes()).get("folder")
    except (OSError, ValueError, AttributeError):
        folder = None
    return (folder if isinstance(folder, str) and folder.strip("/") else "Templates").strip("/")


def open_vault(path: Path) -> Path:
    """The vault folder, resolved; a VaultError when there is none."""
    if not path.exists():
        raise VaultError(f"{path}: no such folder")
    if not path.is_dir():
        raise VaultError(f"{path}: not a folder")
    return path.resolve()


def read_config(root: Path) -> Config:
    path = root / CONFIG_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise ConfigError(f"{CONFIG_NAME}: cannot be read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{CONFIG_NAME}: is not UTF-8 text") from None
    return parse_config(text)


def is_note(rel: str) -> bool:
    """A path vaultfu reads as a note: Markdown, not hidden, not in a hidden folder. Editors'
    swap, backup and temporary files (`.swp`, `note.md~`, `4913`, `.syncthing.*.tmp`, vaultfu's
    own `.vaultfu-tmp`) are none of these."""
    parts = rel.split("/")
    return (
        rel.lower().endswith(".md")
        and not any(p.startswith(".") for p in parts)
        and not any(p in SKIP_DIRS for p in parts[:-1])
    )


_CONFLICT = re.compile(r"\.sync-conflict-|conflicted copy|\(conflict", re.IGNORECASE)


def is_conflict_copy(rel: str) -> bool:
    """A sync tool's conflict copy (Syncthing `.sync-conflict-`, Dropbox and others'
    `(… conflicted copy …)`): never parsed as a note, never written."""
    return _CONFLICT.search(rel.rsplit("/", 1)[-1]) is not None


def stat_of(root: Path, rel: str) -> tuple[int, int] | None:
    """(size, mtime_ns) of a regular file, or None when there is none."""
    try:
        info = os.stat(root / rel)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


def scan(root: Path, temp: list[str] | None = None) -> Iterator[tuple[str, tuple[int, int]]]:
    """Every Markdown note below the root, as a relative path with `/` and its (size,
    mtime_ns), sorted per folder.

    Hidden folders (`.obsidian`, `.git`, `.trash`, `.vaultfu`) are skipped, and so are folder
    symlinks (no loops, nothing outside the vault)."""
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        try:
            with os.scandir(root / rel_dir if rel_dir else root) as entries:
                found = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in found:
            name = entry.name
            if name.startswith("."):
                if temp is not None and name.endswith(TMP_SUFFIX):
                    temp.append(f"{rel_dir}/{name}" if rel_dir else name)
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if name not in SKIP_DIRS:
                        subdirs.append(rel)
                elif name.lower().endswith(".md") and entry.is_file():
                    info = entry.stat()
                    yield rel, (info.st_size, info.st_mtime_ns)
            except OSError:
                continue
        stack.extend(reversed(subdirs))


_WRITER = re.compile(r"\.(\d+)\.[^.]+" + re.escape(TMP_SUFFIX) + r"\Z")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def sweep(root: Path, temp: list[str], older_than: float = 60.0) -> list[str]:
    """Remove vaultfu's own temporary files left by a process killed mid-write
    (`.<note>.<pid>.<random>.vaultfu-tmp`): at once when that process is gone; one of a live
    process only when it is older than `older_than` seconds (a write takes milliseconds)."""
    removed = []
    now = time.time()
    for rel in temp:
        path = root / rel
        found = _WRITER.search(rel)
        with contextlib.suppress(OSError):
            gone = found is not None and not _alive(int(found.group(1)))
            if gone or now - os.lstat(path).st_mtime >= older_than:
                os.unlink(path)
                removed.append(rel)
    return removed


_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


class NotAFile(OSError):
    """A path where a note should be holds something else (a folder, a pipe, a device)."""


def read(root: Path, rel: str, limit: int | None = None) -> Snapshot:
    """Read one note; the snapshot remembers what a later write must still find there.

    The file's type is checked before a byte is read (opening a pipe does not wait for a
    writer; a folder, pipe or device raises NotAFile), and with `limit` no more than `limit + 1`
    bytes are read: the snapshot's size says how large the file really is."""
    path = root / rel
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return Snapshot(rel, None)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise NotAFile(errno.EINVAL, f"it is {kind}, not a file", rel)
    with os.fdopen(fd, "rb") as handle:
        os.set_blocking(fd, True)
        data = handle.read() if limit is None else handle.read(limit + 1)
    return Snapshot(rel, data, info.st_size, info.st_mtime_ns)


GRACE = 0.005  # seconds: time for a save begun just before the replace to land somewhere
SETTLE = 10.0  # seconds to wait for another program still writing into a displaced note
RENAME_EXCHANGE = 2  # renameat2(2) flags (Linux)
AT_FDCWD = -100
F_SETLEASE = 1024


def _still(handle: BinaryIO | None, expected: Snapshot) -> bool:
    """Is the file behind `handle` (None: no file) exactly what `expected` read?"""
    if handle is None:
        return expected.data is None
    if expected.data is None:
        return False
    info = os.fstat(handle.fileno())
    if (info.st_size, info.st_mtime_ns) != (expected.size, expected.mtime_ns):
        return False
    handle.seek(0)
    return hashlib.sha256(handle.read()).hexdigest() == expected.digest


def _open_existing(target: Path) -> BinaryIO | None:
    try:
        return open(target, "rb")
    except FileNotFoundError:
        return None


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, where it has renameat2 (Linux, glibc 2.28+); None elsewhere. SIGIO is
    ignored: it is what a lease break sends, and by default it would end the process."""
    if sys.platform != "linux":
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.renameat2  # noqa: B018  (present, or AttributeError)
    except (OSError, AttributeError):
        return None
    libc.signal(signal.SIGIO, 1)  # SIG_IGN, for every thread
    return libc


def _exchange(a: str, b: str) -> bool:
    """Swap two paths atomically (renameat2 RENAME_EXCHANGE); False where the system cannot."""
    libc = _libc()
    if libc is None:
        return False
    done = libc.renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if done != 0:
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            return False  # a file system without it
        raise OSError(code, os.strerror(code), b)
    return True


def _writers(handle: BinaryIO) -> bool | None:
    """Has any process this file open for writing? A read lease can be taken only when none
    has (Linux); None when the file system cannot tell."""
    try:
        fcntl.fcntl(handle.fileno(), F_SETLEASE, fcntl.F_RDLCK)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EBUSY):
            return True
        return None
    fcntl.fcntl(handle.fileno(), F_SETLEASE, fcntl.F_UNLCK)
    return False


def _settled(handle: BinaryIO, timeout: float = SETTLE) -> bool:
    """Wait until no process has the file open for writing; False if one still has after
    `timeout` seconds."""
    deadline = time.monotonic() + timeout
    delay = 0.001
    while _writers(handle):
        if time.monotonic() > deadline:
            return False
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
    return True


@contextlib.contextmanager
def _staged(target: Path, data: bytes, mode: int) -> Iterator[str]:
    """A temporary copy of `data` beside `target`, fsynced, with `mode`: the caller renames it
    into place. Whatever happens, no temporary file is left behind."""
    prefix = f".{target.name}.{os.getpid()}."  # the writer's pid: `sweep` knows when it is gone
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=TMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        yield tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write(root: Path, expected: Snapshot, data: bytes) -> bool:
    """Replace a note's bytes atomically. Returns False (writes nothing) when nothing changes.

    Writes a temporary file in the same folder, fsyncs it, keeps the permissions, checks that the
    file is still what `expected` read and that no program has it open for writing, then swaps
    the two atomically (Linux's renameat2 RENAME_EXCHANGE; `os.replace` elsewhere). The file
    swapped out is kept until it is verified: a save another program made in the meantime (by
    rename, or in place into the old file) is put back whole, once its writer is done. A
    symlinked note is written through to its target. On any error the temporary file is removed
    and the note is untouched. Raises WriteConflict when the file changed since it was read.
    """
    if expected.data == data:
        return False
    if not root.is_dir():
        raise Refused(f"{expected.rel}: the vault folder {root} is gone; nothing written")
    target = Path(os.path.realpath(root / expected.rel))
    if not target.is_relative_to(os.path.realpath(root)):
        raise Refused(
            f"{expected.rel}: links to a file outside the vault; vaultfu does not write there"
        )
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    try:
        info = os.stat(target)
        if info.st_nlink > 1:
            raise Refused(
                f"{expected.rel}: has {info.st_nlink} hard links, which replacing it would break; "
                "left as it is"
            )
        mode = stat.S_IMODE(info.st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with _staged(target, data, mode) as tmp:
        old = _open_existing(target)
        try:
            if not _still(old, expected) or (old is not None and _writers(old)):
                raise WriteConflict(f"{expected.rel}: changed while vaultfu was working")
            if old is not None and _exchange(tmp, str(target)):
                _verify_swapped(expected, target, tmp, old, data)
            else:
                _replace(expected, target, tmp, old, data, mode)
        finally:
            if old is not None:
                old.close()
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return True


def _verify_swapped(expected: Snapshot, target: Path, tmp: str, old: BinaryIO, data: bytes) -> None:
    """After the swap, `tmp` holds the file that was the note. It is what vaultfu read, or it is
    another program's save: one renamed over the note just before the swap, or one written into
    the old file by a program that opened it before. Wait for such a writer to finish, then put
    its save back whole, and raise WriteConflict so that the note is planned again."""
    with open(tmp, "rb") as displaced:
        if not _settled(displaced):
            kept = _keep(target, tmp)
            raise WriteConflict(
                f"{expected.rel}: another program was still writing it; vaultfu's edit is in "
                f"the note and that program's save in {kept.name}"
            )
        same = os.fstat(displaced.fileno()).st_ino == os.fstat(old.fileno()).st_ino
        if same and _still(displaced, expected):
            return  # the note as read: the swap lost nothing
    # theirs is in tmp: swap back, so the note is their save and tmp holds what replaced it
    if not _exchange(tmp, str(target)):  # pragma: no cover - it worked a moment ago
        raise OSError(errno.EIO, "cannot swap back", str(target))
    with open(tmp, "rb") as handle:
        newest = handle.read()
    if newest != data:  # a third save landed on the note meanwhile: the newest stays the note
        _exchange(tmp, str(target))
        kept = _keep(target, tmp)
        raise WriteConflict(
            f"{expected.rel}: saved twice by other programs while vaultfu wrote; the newest "
            f"is the note, the other is kept in {kept.name}"
        )
    raise WriteConflict(f"{expected.rel}: saved by another program meanwhile")


def _keep(target: Path, tmp: str) -> Path:
    """Keep another program's save that cannot be the note, beside it, never deleted: named as
    a conflict copy, which vaultfu lists under Problems and never reads as a note."""
    stamp = time.strftime("%Y-%m-%d %H%M%S")
    kept = target.with_name(f"{target.stem} (conflicted copy {stamp} vaultfu){target.suffix}")
    os.link(tmp, kept)
    return kept


def _replace(
    expected: Snapshot, target: Path, tmp: str, old: BinaryIO | None, data: bytes, mode: int
) -> None:
    """Where files cannot be swapped: `os.replace`, then a look at the old file after a moment;
    a save another program wrote into it is put back once its writer is done."""
    if old is None:
        try:
            os.link(tmp, target)  # only if there is still no note: never over a new one
        except FileExistsError:
            raise WriteConflict(f"{expected.rel}: created by another program meanwhile") from None
        return
    os.replace(tmp, target)
    time.sleep(GRACE)
    if not _settled(old):
        raise WriteConflict(f"{expected.rel}: another program is still writing its old copy")
    if not _still(old, expected):
        old.seek(0)
        _put_back(target, old.read(), data, mode)
        raise WriteConflict(f"{expected.rel}: saved by another program meanwhile")


def _put_back(target: Path, theirs: bytes, ours: bytes, mode: int) -> None:
    """Restore another program's save that landed in the replaced file, unless the note has
    changed again since (then that newer save stands)."""
    with _staged(target, theirs, mode) as tmp:
        with open(target, "rb") as current:
            if current.read() != ours:
                return
        os.replace(tmp, target)


def read_template(root: Path, kind: str) -> str:
    """The draft template for a kind: the vault's `.vaultfu/templates/<kind>.md` when it has
    one (and it lies inside the vault), else the one shipped with vaultfu."""
    override = root / ".vaultfu" / "templates" / f"{kind}.md"
    if override.is_file():
        real = Path(os.path.realpath(override))
        if not real.is_relative_to(root):
            raise OSError(f"{override.relative_to(root)} points outside the vault")
        return real.read_text(encoding="utf-8-sig")
    shipped = importlib.resources.files("vaultfu") / "templates" / f"{kind}.md"
    return shipped.read_text(encoding="utf-8")


def cache_file(root: Path) -> Path:
    """Where the cache of a vault lives: the XDG cache folder, never inside the vault."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    name = hashlib.sha256(str(root).encode("utf-8")).hexdigest()[:16]
    return Path(base) / "vaultfu" / f"{name}.json"


def read_cache(root: Path) -> tuple[bytes, int] | None:
    """The cache's bytes and its mtime, or None when there is none (or it cannot be read)."""
    try:
        with open(cache_file(root), "rb") as handle:
            return handle.read(), os.fstat(handle.fileno()).st_mtime_ns
    except OSError:
        return None


def write_cache(root: Path, data: bytes) -> None:
    """Replace the cache atomically; a cache that cannot be written is simply not written."""
    path = cache_file(root)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        with _staged(path, data, 0o600) as tmp:
            os.replace(tmp, path)
    with contextlib.suppress(OSError):  # the pickle an older vaultfu kept: never read again
        path.with_suffix(".pickle").unlink()


def write_file(path: Path, data: bytes) -> None:
    """Write a file vaultfu owns (an exported calendar) atomically, anywhere the user asks."""
    with _staged(path, data, 0o644) as tmp:
        os.replace(tmp, path)


# -- git: commit vaultfu's own writes, never the user's -------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )


def git_state(root: Path, rels: list[str]) -> tuple[set[str], set[str]] | None:
    """Of these files, (those with changes git has not committed, those git does not track);
    None when the vault is not in a git work tree."""
    if _git(root, "rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
        return None
    changed: set[str] = set()
    untracked: set[str] = set()
    if not rels:
        return changed, untracked
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.strip()
    status = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *rels)
    for item in status.stdout.split("\0"):
        if len(item) > 3:
            rel = item[3:].removeprefix(prefix)
            (untracked if item.startswith("??") else changed).add(rel)
    return changed, untracked


_IN_PROGRESS = {
    "MERGE_HEAD": "a merge is in progress",
    "rebase-merge": "a rebase is in progress",
    "rebase-apply": "a rebase or `git am` is in progress",
    "CHERRY_PICK_HEAD": "a cherry-pick is in progress",
    "REVERT_HEAD": "a revert is in progress",
    "BISECT_LOG": "a bisect is in progress",
}


def git_busy(root: Path) -> str | None:
    """What the repository is in the middle of (a merge, a rebase, …), or None when it is in a
    plain state where vaultfu may commit."""
    asked = [arg for name in _IN_PROGRESS for arg in ("--git-path", name)]
    found = _git(root, "rev-parse", *asked)
    paths = found.stdout.splitlines()
    if found.returncode != 0 or len(paths) != len(_IN_PROGRESS):
        return "git cannot say what state the repository is in"
    for (_, reason), path in zip(_IN_PROGRESS.items(), paths, strict=True):
        full = Path(path) if os.path.isabs(path) else root / path
        if full.exists():
            return reason
    return None


def git_commit(root: Path, rels: list[str], message: str, *, hooks: bool = False) -> str | None:
    """Commit exactly these files (nothing else the user staged), without the repository's
    hooks unless `hooks`; returns the error, if any."""
    if not rels:
        return None
    added = _git(root, "add", "--", *rels)
    if added.returncode != 0:
        return added.stderr.strip().splitlines()[-1] if added.stderr.strip() else "git add failed"
    no_hooks = [] if hooks else ["-c", "core.hooksPath=/dev/null"]
    done = _git(root, *no_hooks, "commit", "--quiet", "--only", "-m", message, "--", *rels)
    if done.returncode != 0:
        text = (done.stderr or done.stdout).strip()
        return text.splitlines()[-1] if text else "git commit failed"
    return None
