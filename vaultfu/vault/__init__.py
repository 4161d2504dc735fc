"""The only place that touches the disk (this package): list notes, read them, write them
atomically (`vault.write`), the cache file, and git for `--commit` (`vault.git`)."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import json
import operator
import os
import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from ..config import CONFIG_NAME, Config, one_line, parse_config
from ..errors import ConfigError, VaultError
from .write import TMP_SUFFIX, Snapshot, stage, write, write_file

__all__ = [
    "TMP_SUFFIX",
    "NotAFile",
    "Snapshot",
    "cache_file",
    "find_root",
    "is_conflict_copy",
    "is_note",
    "open_vault",
    "read",
    "read_cache",
    "read_config",
    "read_template",
    "scan",
    "stat_of",
    "sweep",
    "templates_folder",
    "write",
    "write_cache",
    "write_file",
]

SKIP_DIRS = {"node_modules", "__pycache__"}


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
    """The settings: `.vaultfu.toml`, and from the Tasks plugin's own settings its status
    table and its global filter (when `.vaultfu.toml` does not set `tasks_filter`)."""
    path = root / CONFIG_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    except OSError as exc:
        raise ConfigError(f"{CONFIG_NAME}: cannot be read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{CONFIG_NAME}: is not UTF-8 text") from None
    config = parse_config(text) if data else Config()
    tasks_filter, statuses = tasks_settings(root)
    if config.tasks_filter is None:
        config = dataclasses.replace(config, tasks_filter=tasks_filter)
    return dataclasses.replace(config, task_statuses=statuses)


TASKS_SETTINGS = ".obsidian/plugins/obsidian-tasks-plugin/data.json"


def tasks_settings(root: Path) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The Tasks plugin's settings that tell what a task is: its global filter (`globalFilter`;
    "" when none, or not one line of text) and its status table (`statusSettings`: its core
    statuses, then its custom ones, as (symbol, type) pairs; () when none). Settings that
    cannot be read are the plugin's defaults."""
    try:
        settings = json.loads((root / TASKS_SETTINGS).read_bytes())
    except (OSError, ValueError):
        return "", ()
    if not isinstance(settings, dict):
        return "", ()
    found = settings.get("globalFilter")
    if not isinstance(found, str) or not one_line(found):
        found = ""
    table = settings.get("statusSettings")
    groups = (
        [table.get(g) for g in ("coreStatuses", "customStatuses")]
        if isinstance(table, dict)
        else []
    )
    statuses = tuple(
        (status["symbol"], status["type"])
        for group in groups
        if isinstance(group, list)
        for status in group
        if isinstance(status, dict)
        and isinstance(status.get("symbol"), str)
        and len(status["symbol"]) == 1
        and status["symbol"] not in "\r\n]"
        and isinstance(status.get("type"), str)
    )
    return found.strip(), statuses


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


_NAME = operator.attrgetter("name")


def scan(
    root: Path, temp: list[str] | None = None, stamps: bool = True
) -> Iterator[tuple[str, tuple[int, int] | None]]:
    """Every Markdown note below the root, as a relative path with `/` and its (size,
    mtime_ns) (None without `stamps`: no `stat` is made), sorted per folder.

    Hidden folders (`.obsidian`, `.git`, `.trash`, `.vaultfu`) are skipped, and so are folder
    symlinks (no loops, nothing outside the vault)."""
    stack = [""]
    top = os.fspath(root)
    while stack:
        rel_dir = stack.pop()
        try:  # os.path, not pathlib: this runs once per folder (a thousand in a large vault)
            with os.scandir(os.path.join(top, rel_dir) if rel_dir else top) as entries:
                found = sorted(entries, key=_NAME)
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
                    if not stamps:
                        yield rel, None
                        continue
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


_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class NotAFile(OSError):
    """A path where a note should be holds something else (a folder, a pipe, a device)."""


def read(root: Path, rel: str, limit: int | None = None) -> Snapshot:
    """Read one note; the snapshot remembers what a later write must still find there.

    The file's type is checked before a byte is read (opening a pipe does not wait for a
    writer; a folder, pipe or device raises NotAFile), and with `limit` no more than `limit + 1`
    bytes are read: the snapshot's size says how large the file really is."""
    try:  # os.path, not pathlib, and os.read, not a buffered file: this runs once per note
        fd = os.open(os.path.join(root, rel), _READ_FLAGS)
    except FileNotFoundError:
        return Snapshot(rel, None)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise NotAFile(errno.EINVAL, f"it is {kind}, not a file", rel)
        # O_NONBLOCK has no effect on a regular file: reads wait for the disk as usual
        want = -1 if limit is None else limit + 1  # -1: to the end
        chunk = max(info.st_size + 1, 65536)  # the whole file in one read, unless it grows
        parts = []
        got = 0
        while want != 0:
            asked = chunk if want < 0 else min(want, chunk)
            part = os.read(fd, asked)
            parts.append(part)
            got += len(part)
            want = want if want < 0 else want - len(part)
            if not part or (len(part) < asked and got >= info.st_size):
                break  # the end: a short read once all its size is in (no read of nothing)
        data = b"".join(parts)
    finally:
        os.close(fd)
    return Snapshot(rel, data, info.st_size, info.st_mtime_ns)


def inputs(root: Path, agenda: str) -> tuple[tuple[str, tuple[int, int] | None], ...]:
    """(size, mtime_ns) of each file a run reads besides the notes `scan` finds: the settings,
    Obsidian's templates setting, the Tasks plugin's settings, the agenda note, the vault's
    draft templates (and their folder) and the shipped ones. None for a file not there."""
    names = [CONFIG_NAME, ".obsidian/templates.json", TASKS_SETTINGS, agenda, ".vaultfu/templates"]
    with contextlib.suppress(OSError):
        names += sorted(f".vaultfu/templates/{n}" for n in os.listdir(root / ".vaultfu/templates"))
    found = [(name, stat_any(root / name)) for name in names]
    shipped = Path(__file__).resolve().parent.parent / "templates"
    with contextlib.suppress(OSError):
        found += [(f"vaultfu:{n}", stat_any(shipped / n)) for n in sorted(os.listdir(shipped))]
    return tuple(found)


def stat_any(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def write_outbox(root: Path, name: str, data: bytes) -> Path:
    """An unsent message for the user's mail app, kept beside the cache (never in the vault);
    the file of the same follow-up is replaced."""
    folder = cache_file(root).parent / "outbox"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with stage(path, data, 0o600) as tmp:
        os.replace(tmp, path)
    return path


def launch(path: Path, command: str = "") -> str | None:
    """Open a file with `command` ("mutt -H {}": `{}` is the path, added at the end when
    missing) or the system's handler; what went wrong, or None. The program is not waited for,
    except a terminal one named by `command`, which runs in this terminal."""
    import shlex
    import subprocess
    import sys

    if command:
        try:
            words = shlex.split(command)
        except ValueError as exc:
            return f"the mailer setting cannot be read ({exc})"
        args = [str(path) if w == "{}" else w for w in words]
        if "{}" not in words:
            args.append(str(path))
        try:
            done = subprocess.run(args, check=False)
        except OSError as exc:
            return f"{args[0]}: {exc.strerror}"
        return None if done.returncode == 0 else f"{args[0]} exited with {done.returncode}"
    if sys.platform == "win32":
        os.startfile(path)  # type: ignore[attr-defined]
        return None
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    try:
        subprocess.Popen([opener, str(path)], start_new_session=True)
    except OSError as exc:
        return f"{opener}: {exc.strerror} (set `mailer` in .vaultfu.toml)"
    return None


def read_template(root: Path, kind: str) -> str:
    """The draft template for a kind: the vault's `.vaultfu/templates/<kind>.md` when it has
    one (and it lies inside the vault), else the one shipped with vaultfu."""
    override = root / ".vaultfu" / "templates" / f"{kind}.md"
    if override.is_file():
        real = Path(os.path.realpath(override))
        if not real.is_relative_to(root):
            raise OSError(f"{override.relative_to(root)} points outside the vault")
        return real.read_text(encoding="utf-8-sig")
    import importlib.resources

    shipped = importlib.resources.files("vaultfu") / "templates" / f"{kind}.md"
    return shipped.read_text(encoding="utf-8")


def cache_file(root: Path, suffix: str = ".json") -> Path:
    """Where the cache of a vault lives: the XDG cache folder, never inside the vault. The
    index is `.json`, the last quiet run's answer `.settled.json` (see `settled`)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    name = hashlib.sha256(str(root).encode("utf-8")).hexdigest()[:16]
    return Path(base) / "vaultfu" / f"{name}{suffix}"


def read_cache(root: Path, suffix: str = ".json") -> tuple[bytes, int] | None:
    """The cache's bytes and its mtime, or None when there is none (or it cannot be read)."""
    try:
        with open(cache_file(root, suffix), "rb") as handle:
            return handle.read(), os.fstat(handle.fileno()).st_mtime_ns
    except OSError:
        return None


def write_cache(root: Path, data: bytes, suffix: str = ".json") -> None:
    """Replace the cache atomically; a cache that cannot be written is simply not written."""
    path = cache_file(root, suffix)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        # not fsynced: a cache cut short by a crash is a file that does not decode, and is
        # ignored (a run rebuilds it); an fsync would cost every run that changed something
        with stage(path, data, 0o600, durable=False) as tmp:
            os.replace(tmp, path)
    with contextlib.suppress(OSError):  # the pickle an older vaultfu kept: never read again
        path.with_suffix(".pickle").unlink()
