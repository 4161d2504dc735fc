"""Who you are waiting on: the applications with nothing due from you (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Set

from .model import Action, Application, Kind, Status, Waiting


def waiting(
    apps: Iterable[Application], actions: Iterable[Action], closed: Set[str], today: dt.date
) -> tuple[Waiting, ...]:
    """Applications with nothing due from you now: what they owe you, and by when (the date
    they named for a decision; `follow_up_on` is your date to write, not theirs). `closed`:
    the applications the user closed by ticking "move on"."""
    busy: set[str] = set()
    withdrawing: set[str] = set()
    for a in actions:
        if a.done is None and a.due <= today and a.kind is not Kind.TASK:
            busy.add(a.application)
        if a.kind is Kind.WITHDRAW:
            withdrawing.add(a.application)
    quiet = busy | closed | withdrawing  # (once: per application it was quadratic)
    out = []
    for app in apps:
        latest = app.latest
        if not latest.status.pending or app.label in quiet:
            continue
        if latest.day is not None and latest.day > today:
            continue
        owes = "the next round" if latest.status is Status.NEXT_ROUND else "a decision"
        out.append(
            Waiting(
                application=app.label,
                note=latest.path,
                company=latest.company,
                owes=owes,
                by=latest.decision_by,
            )
        )
    return tuple(out)
