"""`vaultfu watch`: the agenda follows every save. The only module that imports watchdog.

One full pass at start; then each burst of file events (coalesced by a short debounce, or acted
on at once when it is one note written and closed) re-reads only the notes it names, plans again
and writes only what changes. vaultfu's own writes are
recognised by their content hash and start no cycle. A periodic rescan (a stat per note) catches
anything an observer missed, as does an inotify queue overflow; the day rolling over at midnight
recomputes the agenda even when no file changes. Open lines that no longer apply are cancelled
only once no note was saved for a while (`settle`): Obsidian saves while you type.
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from . import vault
from .config import CONFIG_NAME
from .engine import commit, prepare
from .errors import VaultfuError
from .index import Index
from .memo import PlanMemo
from .model import Problem, RunResult, State
from .notify import due_news
from .wanted import Request

IGNORED_EVENTS = {"opened", "closed_no_write"}
SETTINGS = {CONFIG_NAME, vault.TASKS_SETTINGS}  # a save of either: the settings read again


@dataclass(frozen=True)
class Update:
    """One cycle: why it ran and what came of it."""

    reason: str  # "start", "Acme onsite.md changed", "new day", "rescan"
    result: RunResult
    changed: tuple[str, ...] = ()

    def line(self) -> str:
        today = self.result.agenda.today
        states = [a.state(today) for a in self.result.agenda.actions]
        due = states.count(State.TODAY)
        late = states.count(State.OVERDUE)
        summary = f"{due} due today" + (f", {late} overdue" if late else "")
        problems = len(self.result.agenda.problems)
        if problems:
            summary += f", {problems} problem{'s' if problems > 1 else ''}"
        wrote = [w for w in self.result.written if w != self.result.agenda_path]
        if wrote:
            summary += f"; wrote {len(wrote)} note{'s' if len(wrote) > 1 else ''}"
        return f"{self.reason} → agenda: {summary}"


@dataclass
class _Pending:
    """Paths reported by the observer, waiting for the debounce to settle."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    paths: set[str] = field(default_factory=set)
    closed: set[str] = field(default_factory=set)  # paths whose last event was a close-write
    rescan: bool = False
    lost: bool = False  # the vault folder itself went away: the observer must start again
    last: float = 0.0
    wake: threading.Event = field(default_factory=threading.Event)  # paths wait to be taken
    news: threading.Event = field(default_factory=threading.Event)  # an event came since cleared

    def add(self, rel: str | None, rescan: bool = False, closed: bool = False) -> None:
        with self.lock:
            if rel is not None:
                self.paths.add(rel)
                if closed:
                    self.closed.add(rel)
                else:
                    self.closed.discard(rel)
            self.rescan = self.rescan or rescan
            self.last = time.monotonic()
        self.wake.set()
        self.news.set()

    def quiet(self, debounce: float, deadline: float, stop: threading.Event) -> None:
        """Wait until the burst of events is over: no event for `debounce` seconds, or one note
        written and closed (at once), or `deadline`. Woken by each event, not at intervals:
        the close that ends a save is acted on when it comes."""
        while not stop.is_set():
            self.news.clear()
            if self.settled():
                return
            now = time.monotonic()
            left = min(self.last + debounce, deadline) - now
            if left <= 0:
                return
            self.news.wait(timeout=min(left, 0.05))  # (and a stop is seen within 50 ms)

    def settled(self) -> bool:
        """One note, written and closed: a save that is over, to act on at once."""
        with self.lock:
            return len(self.paths) == 1 and not self.rescan and self.paths <= self.closed

    def take(self) -> tuple[set[str], bool]:
        with self.lock:
            paths, rescan = self.paths, self.rescan
            self.paths, self.rescan, self.closed = set(), False, set()
            self.wake.clear()
            return paths, rescan


class _Handler(FileSystemEventHandler):
    def __init__(self, root: Path, pending: _Pending) -> None:
        self.root = str(root)
        self.pending = pending

    def _rel(self, path: str | bytes) -> str | None:
        text = path.decode() if isinstance(path, bytes) else path
        if not text.startswith(self.root):
            return None
        return text[len(self.root) :].lstrip("/")

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in IGNORED_EVENTS:
            return
        src = event.src_path.decode() if isinstance(event.src_path, bytes) else event.src_path
        if event.is_directory and event.event_type == "deleted" and src == self.root:
            self.pending.lost = True
            self.pending.add(None, rescan=True)
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            rel = self._rel(path) if path else None
            if not rel:
                continue
            if event.is_directory:
                if event.event_type in ("moved", "deleted"):
                    self.pending.add(None, rescan=True)  # a folder moved: check everything
                continue
            if rel in SETTINGS or rel.startswith(".vaultfu/templates/"):
                self.pending.add(rel, rescan=True)
            elif vault.is_note(rel):
                self.pending.add(rel, closed=event.event_type == "closed")


class _OverflowHook(logging.Handler):
    """watchdog logs a warning when the kernel's inotify queue overflows and events are lost;
    this turns it into a full rescan."""

    def __init__(self, pending: _Pending) -> None:
        super().__init__(logging.WARNING)
        self.pending = pending

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self.pending.add(None, rescan=True)


class Watcher:
    def __init__(
        self,
        root: Path,
        *,
        clock: Callable[[], dt.date],
        today: dt.date | None = None,
        debounce: float = 0.1,
        rescan_every: float = 300.0,
        mail_every: float | None = None,
        polling: bool = False,
        poll_interval: float = 1.0,
        tick: float = 1.0,
        settle: float = 120.0,
        on_update: Callable[[Update], None] = lambda update: None,
        warn: Callable[[str], None] = lambda message: None,
        notify: Callable[[str, str], str | None] | None = None,
    ) -> None:
        self.root = vault.open_vault(root)
        self.clock = clock
        self.pinned_today = today
        self.debounce = debounce
        self.rescan_every = rescan_every
        self.mail_every = mail_every  # seconds; None: `every` minutes of the [mail] settings
        self.mail_problems: tuple[Problem, ...] = ()  # from the last read of the mailbox
        self.polling = polling
        self.poll_interval = poll_interval
        self.tick = tick
        # Open lines that no longer apply are cancelled only once no note was saved for
        # `settle` seconds: Obsidian saves while you type, and a status or a name caught half
        # typed would otherwise cancel follow-ups for good.
        self.settle = settle
        self.last_edit: float | None = None  # when a change of the user's last started a cycle
        self.held = False  # a cycle left lines that no longer apply open
        self.on_update = on_update
        self.warn = warn
        self.notify = notify  # (title, message) → why it could not, or None
        self.told: set[tuple[str, dt.date]] = set()  # follow-ups notified of, per day
        self.pending = _Pending()
        self.index = Index(self.root, vault.read_config(self.root), hashing=True)
        self.memo = PlanMemo()  # each application's planning, while it does not change
        self.cycles = 0
        self.ready = threading.Event()
        self.observer: BaseObserver | None = None

    # -- the observer -----------------------------------------------------------------------

    def _start_observer(self) -> BaseObserver:
        handler = _Handler(self.root, self.pending)
        if not self.polling:
            try:
                observer: BaseObserver = Observer()
                observer.schedule(handler, str(self.root), recursive=True)
                observer.start()
                return observer
            except OSError as exc:
                if exc.errno not in (errno.ENOSPC, errno.EMFILE):
                    raise
                self.warn(
                    f"inotify limit reached ({exc.strerror}): watching by polling instead, "
                    "which is slower; raise fs.inotify.max_user_watches or "
                    "fs.inotify.max_user_instances to avoid this"
                )
                self.polling = True
        observer = PollingObserver(timeout=self.poll_interval)
        observer.schedule(handler, str(self.root), recursive=True)
        observer.start()
        return observer

    def _restart_observer(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer.join()
        self.warn(f"{self.root} was replaced; watching the new folder")
        self.observer = self._start_observer()

    # -- cycles -----------------------------------------------------------------------------

    def _day(self) -> dt.date:
        return self.pinned_today or self.index.config.today or self.clock()

    def cycle(self, reason: str, changed: tuple[str, ...] = ()) -> Update:
        if changed:
            self.last_edit = time.monotonic()
        hold = self.last_edit is not None and time.monotonic() - self.last_edit < self.settle
        self.held = self.held or hold
        prepared = prepare(
            self.root,
            today=self.pinned_today,
            clock=self.clock(),
            index=self.index,
            memo=self.memo,
            request=Request(problems=self.mail_problems, hold_stale=hold),
        )
        result = commit(prepared)
        # Read back what was written: the index then holds vaultfu's own bytes, so the events
        # of its own writes find nothing new (same content hash) and start no cycle.
        self.index.refresh(result.written)
        if self.notify is not None:
            news = due_news(result.agenda.actions, result.agenda.today, self.told)
            trouble = self.notify(*news) if news else None
            if trouble:
                self.warn(trouble)
        self.cycles += 1
        update = Update(reason, result, changed)
        self.on_update(update)
        return update

    def _mail_period(self) -> float | None:
        settings = self.index.config.mail
        if not settings.configured:
            return None
        return self.mail_every if self.mail_every is not None else (settings.every * 60 or None)

    def read_mail(self) -> Update:
        """Read the mailbox, write what it teaches into the notes, and plan again."""
        from .commands import mail_request

        clock = self.clock()
        planned = prepare(self.root, today=self.pinned_today, clock=clock, index=self.index)
        request, count = mail_request(planned)
        self.mail_problems = request.problems
        if request.done or request.mail_lines:
            taught = prepare(
                self.root, today=self.pinned_today, clock=clock, index=self.index, request=request
            )
            self.index.refresh(commit(taught).written)
        return self.cycle(f"mail: {count} message{'s' if count != 1 else ''} read")

    def _reload_config(self) -> None:
        try:
            config = vault.read_config(self.root)
        except VaultfuError as exc:
            self.warn(f"{exc}; keeping the settings read before")
            return
        if config != self.index.config:
            self.index = Index(self.root, config, hashing=True)

    # -- the loop ---------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        logger = logging.getLogger("watchdog")
        hook = _OverflowHook(self.pending)
        logger.addHandler(hook)
        try:
            self.observer = self._start_observer()
            self.index.refresh()
            self.cycle("start")
            gc.freeze()  # what the first pass read lives on: later collections skip it
            self._loop(stop)
        finally:
            logger.removeHandler(hook)
            if self.observer is not None:
                self.observer.stop()
                self.observer.join()
            self.ready.set()

    def _loop(self, stop: threading.Event) -> None:
        day = self._day()
        next_rescan = time.monotonic() + self.rescan_every
        next_mail = time.monotonic()  # the mailbox is read once at the start
        self.ready.set()
        while not stop.is_set():
            period = self._mail_period()
            if period is not None and time.monotonic() >= next_mail:
                next_mail = time.monotonic() + period
                self.read_mail()
                day = self._day()
                continue
            self.pending.wake.wait(timeout=self.tick)
            if stop.is_set():
                return
            if not self.root.is_dir():  # the vault folder is gone: nothing to watch or write
                self.pending.lost = True
                self.pending.take()
                continue
            if self.pending.lost:  # ... and it is back (perhaps a new folder of the same name)
                self.pending.lost = False
                self._restart_observer()
                self.pending.add(None, rescan=True)
            if self.pending.wake.is_set():
                # coalesce a burst: wait until no event came for `debounce` seconds (but act
                # at least every ten debounces, however long the burst)
                deadline = time.monotonic() + max(1.0, self.debounce * 10)
                self.pending.quiet(self.debounce, deadline, stop)
                paths, rescan = self.pending.take()
                if SETTINGS & set(paths) or any(p.startswith(".vaultfu/") for p in paths):
                    self._reload_config()
                if rescan:
                    changed = self.index.refresh()
                    next_rescan = time.monotonic() + self.rescan_every
                else:
                    changed = self.index.refresh(paths)
                    changed |= {p for p in paths if not vault.is_note(p)}
                if changed:
                    self.cycle(_describe(changed), tuple(sorted(changed)))
                    day = self._day()
                    continue
            if time.monotonic() >= next_rescan:
                next_rescan = time.monotonic() + self.rescan_every
                changed = self.index.refresh()
                if changed:
                    self.cycle("rescan: " + _describe(changed), tuple(sorted(changed)))
                    day = self._day()
                    continue
            if self._day() != day:
                day = self._day()
                self.cycle(f"new day, {day:%a} {day.day} {day:%b}")
                continue
            if self.held and time.monotonic() - (self.last_edit or 0.0) >= self.settle:
                self.held = False
                self.cycle(f"no save for {self.settle:.0f} s")


def _describe(changed: set[str]) -> str:
    names = sorted(p.rsplit("/", 1)[-1] for p in changed)
    shown = ", ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2 else "")
    return f"{shown} changed"
