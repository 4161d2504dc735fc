"""The watcher's memory of planning: what each application's planning gave, reused between
saves while nothing it depends on changed (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import msgspec

from .agenda import Lines
from .config import Playbook
from .drafts import facts_hash, linked_draft
from .model import Action, Application, Interview, Problem, Task
from .wording import task_words


@dataclass
class PlanMemo:
    """What planning each application gave, kept between the watcher's cycles and reused while
    its notes are the same objects (unchanged since read), the offers and acceptances elsewhere
    are the same, so are the day and the rules, and every task it looked up is the same task."""

    apps: dict[str, Planned] = field(default_factory=dict)
    # the latest notes of the offers and acceptances the last planning saw: the same tuple
    # while they are the same notes, so that each application compares it by identity
    elsewhere: tuple[Interview, ...] = ()
    lines: Lines = field(default_factory=dict)  # the agenda's lines (see `agenda.region_lines`)
    # the facts hash of each draft's action and note, by id() (both kept, so no id is reused):
    # those of the last planning, and those asked for in this one
    hashes: dict[tuple[int, int], tuple[Action, Interview, str | None, str]] = field(
        default_factory=dict
    )
    hashes_now: dict[tuple[int, int], tuple[Action, Interview, str | None, str]] = field(
        default_factory=dict
    )

    def facts_hash(self, action: Action, note: Interview, user_name: str | None) -> str:
        """`drafts.facts_hash`, worked out again only for another action or note object."""
        key = (id(action), id(note))
        known = self.hashes.get(key)
        if known and known[0] is action and known[1] is note and known[2] == user_name:
            value = known[3]
        else:
            value = facts_hash(action, note, user_name)
        self.hashes_now[key] = (action, note, user_name, value)
        return value

    def turn(self) -> None:
        """A planning is over: keep only what it asked for."""
        self.hashes, self.hashes_now = self.hashes_now, {}


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
            same(self.notes, app.notes)
            and (self.elsewhere is elsewhere or same(self.elsewhere, elsewhere))
            and self.day == day
            and (self.rules is rules or self.rules == rules)
            and all(tasks.get(ident) is task for ident, task in self.looked)
        )


def same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    """The same objects, in the same order."""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


# Values worked out from one action, remembered by the action object (kept with the value, so
# its id() is not reused): the watcher plans an application that did not change into the same
# objects on every save. Bounded: emptied when full.
_KEPT = 20_000
_WORDS: dict[tuple[int, str], tuple[Action, str]] = {}
_ORDER: dict[int, tuple[Action, tuple[dt.date, str, str, str, str]]] = {}


def line_words(action: Action, text: str) -> str:
    """`task_words` of an action for a task line whose words are `text` (and its draft link)."""
    key = (id(action), text)
    known = _WORDS.get(key)
    if known is not None and known[0] is action:
        return known[1]
    if len(_WORDS) >= _KEPT:
        _WORDS.clear()
    words = task_words(action, linked_draft(text))
    _WORDS[key] = (action, words)
    return words


def order(action: Action) -> tuple[dt.date, str, str, str, str]:
    """The agenda's order: by day, company, kind, person and id."""
    person = action.person.name.casefold() if action.person else ""
    return (action.due, action.company.casefold(), action.kind.value, person, action.id)


def kept_order(action: Action) -> tuple[dt.date, str, str, str, str]:
    """`order`, kept per action (the watcher's: a command's run sorts new actions only)."""
    known = _ORDER.get(id(action))
    if known is not None and known[0] is action:
        return known[1]
    if len(_ORDER) >= _KEPT:
        _ORDER.clear()
    key = order(action)
    _ORDER[id(action)] = (action, key)
    return key
