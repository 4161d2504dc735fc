"""The terminal: one place that owns the consoles and turns results into short, readable text.

Coloured on a terminal; plain when piped or when NO_COLOR is set (rich honours both)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from .agenda import SECTIONS, fmt_day, late_text, section_of
from .drafts import heading
from .model import Action, Agenda, Kind, RunResult, Write

if TYPE_CHECKING:
    from .watch import Update

STYLE = {"Overdue": "bold red", "Today": "bold yellow", "Next 7 days": "cyan", "Later": "dim"}


def console(stderr: bool = False) -> Console:
    """Styled on a terminal; plain text when piped or when NO_COLOR is set (even with
    FORCE_COLOR)."""
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(
        file=sys.stderr if stderr else sys.stdout,
        highlight=False,
        soft_wrap=True,
        force_terminal=False if plain else None,
        no_color=plain or None,
    )


SHOWN = {"Overdue": 25, "Today": 25, "Next 7 days": 25, "Later": 5}  # the rest: the note


def show_agenda(out: Console, agenda: Agenda, *, vault: str, pinned: bool) -> None:
    """The terminal view: short. Each section shows its first lines and counts the rest, which
    the agenda note (and --json) list in full."""
    today = agenda.today
    text = Text(f"vaultfu · {today:%A} {today.day} {today:%B %Y}", style="bold")
    text.append(f" · {vault}", style="dim")
    if pinned:
        text.append(" · day pinned by .vaultfu.toml", style="dim")
    groups: dict[str, list[Action]] = {name: [] for name in SECTIONS}
    for action in agenda.actions:
        groups[section_of(action, today)].append(action)
    for name in SECTIONS:
        actions = groups[name]
        if not actions:
            continue
        text.append(f"\n\n{name} ({len(actions)})", style=STYLE[name])
        for action in actions[: SHOWN[name]]:
            late = late_text(action, today)
            text.append("\n  ")
            text.append(f"{late or fmt_day(action.due):<11}", style=STYLE[name])
            text.append(action.text)
            if action.kind is Kind.TASK and action.company:  # your own task: whose it is
                text.append(f" · {action.company}", style="dim")
            if action.channel.value != "none":
                text.append(f"  [{action.channel.value}]", style="dim")
        if len(actions) > SHOWN[name]:
            text.append(f"\n  … and {len(actions) - SHOWN[name]} more in the agenda note", "dim")
    if not agenda.actions:
        text.append("\n\nNothing to do.")
    if agenda.replies:
        text.append(f"\n\nThey wrote ({len(agenda.replies)})", style="bold")
        for r in agenda.replies:
            m = r.line
            text.append(f"\n  {fmt_day(m.day):<11}{m.who} replied: {m.subject} ({r.company})")
            if r.command:
                text.append(f"\n  {'':<11}reads like {m.heard.reads_like}: ", style="yellow")
                text.append(r.command, style="bold yellow")
    if agenda.waiting:
        text.append(f"\n\nWaiting on them ({len(agenda.waiting)})", style="bold")
        for w in agenda.waiting[:10]:
            by = f" by {fmt_day(w.by)}" if w.by else ", no date given"
            text.append(f"\n  {w.application}: they owe you {w.owes}{by}")
        if len(agenda.waiting) > 10:
            text.append(f"\n  … and {len(agenda.waiting) - 10} more in the agenda note", "dim")
    if agenda.problems:
        text.append(f"\n\nProblems ({len(agenda.problems)})", style="bold red")
        for p in agenda.problems:
            text.append(f"\n  {p}", style="red")
    out.print(text)


def show_writes(out: Console, run: RunResult, *, no_write: bool) -> None:
    if no_write:
        out.print(Text("\n--no-write: nothing written", style="dim"))
        return
    out.print()
    for action in run.drafted:
        title = run.heading_of(action, heading(action))
        out.print(Text(f"draft added: {action.note} → {title}", style="green"))
    notes = [rel for rel in run.written if rel != run.agenda_path]
    if notes:
        out.print(Text(f"updated {len(notes)} note(s): {', '.join(notes)}", style="dim"))
    refused = any(p.path == run.agenda_path for p in run.agenda.problems)
    state = "updated" if run.agenda_written else "not written" if refused else "unchanged"
    out.print(Text(f"{run.agenda_path} {state}", style="dim"))
    if run.committed:
        out.print(Text(f"committed {len(run.committed)} file(s): {run.message}", style="dim"))
    for problem in run.agenda.problems:
        if problem.path == ".git":
            out.print(Text(f"git: {problem.message}", style="yellow"))


def show_diffs(out: Console, writes: Sequence[Write]) -> None:
    """`--dry-run`: the unified diff of every planned write."""
    if not writes:
        out.print("nothing to write")
        return
    for write in writes:
        out.print(Text(write.diff()), end="")


def show_ids(out: Console, agenda: Agenda) -> None:
    """`vaultfu done` with no id: the open follow-ups and their ids."""
    for action in agenda.actions:
        line = Text(f"{action.id}  ", style="bold")
        line.append(f"{action.due.isoformat()}  ", style=STYLE[section_of(action, agenda.today)])
        line.append(action.text)
        out.print(line)


def show_update(out: Console, update: Update, now: dt.datetime, *, verbose: bool) -> None:
    """`vaultfu watch`: one line per update; with -v, what it wrote."""
    line = Text(f"{now:%H:%M:%S} ", style="dim")
    line.append(update.line())
    out.print(line)
    if verbose:
        for action in update.result.drafted:
            title = update.result.heading_of(action, heading(action))
            out.print(Text(f"  draft added: {action.note} → {title}", style="green"))
        for rel in update.result.written:
            out.print(Text(f"  wrote {rel}", style="dim"))
        for problem in update.result.agenda.problems:
            out.print(Text(f"  {problem}", style="red"))


class FirstScan:
    """A progress bar on stderr for a first scan that takes more than a second (a warm run,
    from the cache, never shows one); only on a terminal."""

    def __init__(self, after: float = 1.0) -> None:
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._after = after
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            err = console(stderr=True)
            if not err.is_terminal or self._clock() - self._start < self._after:
                return
            from rich.progress import Progress

            self._bar = Progress(console=err, transient=True)
            self._bar.start()
            self._task = self._bar.add_task("reading the vault", total=total)
        self._bar.update(self._task, completed=done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
