"""Write a note atomically: staged beside it, checked, swapped in, the swapped-out file
verified, so that no save another program makes at the same moment is ever lost."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hashlib
import os
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import ctypes

import msgspec

from ..errors import Refused, WriteConflict

TMP_SUFFIX = ".vaultfu-tmp"


class Snapshot(msgspec.Struct, frozen=True):
    """A file as it was read: what a later write is checked against."""

    rel: str
    data: bytes | None  # None: the file did not exist
    size: int = -1
    mtime_ns: int = -1

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data or b"").hexdigest()


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
    import ctypes
    import signal

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
        import ctypes

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


_NEW = os.O_RDWR | os.O_CREAT | os.O_EXCL
_NEW |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _new_file(folder: Path, prefix: str) -> tuple[int, str]:
    """A new, empty file of this process's only (0600), with a random name: what
    `tempfile.mkstemp` makes, the same way, without importing `tempfile` (and with it `shutil`,
    `random` and two compressors: a few ms of every run that writes)."""
    while True:
        path = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{TMP_SUFFIX}")
        try:
            return os.open(path, _NEW, 0o600), path
        except FileExistsError:  # 48 random bits taken already: draw again
            continue


@contextlib.contextmanager
def stage(target: Path, data: bytes, mode: int, durable: bool = True) -> Iterator[str]:
    """A temporary copy of `data` beside `target`, fsynced (unless not `durable`), with `mode`:
    the caller renames it into place. Whatever happens, no temporary file is left behind."""
    prefix = f".{target.name}.{os.getpid()}."  # the writer's pid: `sweep` knows when it is gone
    fd, tmp = _new_file(target.parent, prefix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
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
    with stage(target, data, mode) as tmp:
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
    with stage(target, theirs, mode) as tmp:
        with open(target, "rb") as current:
            if current.read() != ours:
                return
        os.replace(tmp, target)


def write_file(path: Path, data: bytes) -> None:
    """Write a file vaultfu owns (an exported calendar) atomically, anywhere the user asks."""
    with stage(path, data, 0o644) as tmp:
        os.replace(tmp, path)


# -- git: commit vaultfu's own writes, never the user's -------------------------------------
