"""The terminal: one place that owns the consoles and turns results into short, readable text.

Coloured on a terminal; plain when piped or when NO_COLOR is set (rich honours both)."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.text import Text

from .agenda import SECTIONS, fmt_day, late_text, section_of
from .model import Agenda

STYLE = {"Overdue": "bold red", "Today": "bold yellow", "Next 7 days": "cyan", "Later": "dim"}


def console(stderr: bool = False) -> Console:
    return Console(file=sys.stderr if stderr else sys.stdout, highlight=False, soft_wrap=True)


def show_agenda(
    out: Console, agenda: Agenda, *, vault: str, note: str, written: bool, pinned: bool, write: bool
) -> None:
    today = agenda.today
    head = Text(f"vaultfu · {today:%A} {today.day} {today:%B %Y}", style="bold")
    head.append(f" · {vault}", style="dim")
    if pinned:
        head.append(" · day pinned by .vaultfu.toml", style="dim")
    out.print(head)
    groups: dict[str, list[Text]] = {name: [] for name in SECTIONS}
    for action in agenda.actions:
        line = Text("  ")
        late = late_text(action, today)
        name = section_of(action, today)
        when = late if late else fmt_day(action.due)
        line.append(f"{when:<11}", style=STYLE[name])
        line.append(action.text)
        if action.channel.value != "none":
            line.append(f"  [{action.channel.value}]", style="dim")
        groups[name].append(line)
    for name in SECTIONS:
        if groups[name]:
            out.print(Text(f"\n{name} ({len(groups[name])})", style=STYLE[name]))
            for line in groups[name]:
                out.print(line)
    if not agenda.actions:
        out.print("\nNothing to do.")
    if agenda.waiting:
        out.print(Text(f"\nWaiting on them ({len(agenda.waiting)})", style="bold"))
        for w in agenda.waiting:
            by = f" by {fmt_day(w.by)}" if w.by else ", no date given"
            out.print(Text(f"  {w.application}: they owe you {w.owes}{by}"))
    if agenda.problems:
        out.print(Text(f"\nProblems ({len(agenda.problems)})", style="bold red"))
        for p in agenda.problems:
            out.print(Text(f"  {p}", style="red"))
    if write:
        status = f"{note} updated" if written else f"{note} unchanged"
    else:
        status = "--no-write: nothing written"
    out.print(Text(f"\n{status}", style="dim"))
