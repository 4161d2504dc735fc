"""The watcher's memory of planning: what each application's planning gave, reused between
saves while nothing it depends on changed (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import msgspec

from .config import Playbook
from .model import Action, Application, Interview, Problem, Task


@dataclass
class PlanMemo:
    """What planning each application gave, kept between the watcher's cycles and reused while
    its notes are the same objects (unchanged since read), the offers and acceptances elsewhere
    are the same, so are the day and the rules, and every task it looked up is the same task."""

    apps: dict[str, Planned] = field(default_factory=dict)


class Planned(msgspec.Struct, frozen=True):
    notes: tuple[Interview, ...]
    elsewhere: tuple[Interview, ...]  # the latest notes of the offers and acceptances
    day: dt.date
    rules: Playbook
    looked: tuple[tuple[str, Task | None], ...]  # the tasks it looked up, by id
    actions: tuple[Action, ...]
    problems: tuple[Problem, ...]
    closed: bool

    def still(
        self,
        app: Application,
        elsewhere: tuple[Interview, ...],
        day: dt.date,
        rules: Playbook,
        tasks: Mapping[str, Task],
    ) -> bool:
        return (
            _same(self.notes, app.notes)
            and _same(self.elsewhere, elsewhere)
            and self.day == day
            and self.rules == rules
            and all(tasks.get(ident) is task for ident, task in self.looked)
        )


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))
