"""Which task line is whose (pure): the ids of vaultfu's follow-ups and of the user's tasks,
and the lines an edit of the facts left under an id of before.

A follow-up's id is made from what it is about (its kind, the application, the interview's
date and time, the person, a key), never from the note's path: a note renamed or moved keeps its
ids. An edit of those facts (the time corrected, the company renamed, a name fixed) gives it
another id; the line vaultfu wrote for it is then found by its words, by the draft it links to,
or by its kind (`adoptions`).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Collection, Container, Iterable, Iterator, Mapping, Sequence

from . import safe
from .agenda import Ticks
from .drafts import KIND_LABEL, heading, linked_draft
from .model import (
    Action,
    Application,
    Copies,
    Interview,
    Kind,
    Person,
    Problem,
    Status,
    Task,
    TaskStatus,
)
from .wording import without_filter


def action_id(*parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"vf-{digest[:10]}"


def user_task_id(note: Interview, task: Task) -> str:
    """Tasks the user wrote keep their own 🆔; others get one from what they say (a recurring
    one, and its day: each occurrence the Tasks plugin adds is another task)."""
    if task.id:
        return task.id
    when = note.date.isoformat() if note.date else note.name
    parts = [note.application_key, when, task.description]
    if task.recurs:
        parts += [str(task.due or task.scheduled or task.start)]
    return "t-" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]


def follow_up_id(
    kind: Kind, note: Interview, app: Application, person: Person | None = None, key: str = ""
) -> str:
    when = note.date.isoformat() if note.date else note.name
    return action_id(kind.value, app.key, when, person.name.casefold() if person else "", key)


def answering(app: Application, known: Container[str], aliases: Mapping[str, str]) -> Iterator[str]:
    """The ids of the follow-ups that answer the application's status, the offer answered, the
    thank-you for a rejection, LinkedIn, keeping in touch (made as `playbook` makes them: for
    the latest note, to its first interviewer; keep-in-touch numbered from 1 while its lines
    are `known`; through `aliases`, the lines taken for them)."""
    latest = app.latest
    contact = latest.interviewers[0] if latest.interviewers else None

    def ident(kind: Kind, person: Person | None, key: str = "") -> str:
        found = follow_up_id(kind, latest, app, person, key)
        return aliases.get(found, found)

    if latest.status is Status.OFFER:
        yield ident(Kind.OFFER_RESPONSE, contact)
    if latest.status is Status.REJECTED:
        yield ident(Kind.REJECTION_THANK_YOU, contact)
        for number in range(1, 1000):
            found = ident(Kind.KEEP_IN_TOUCH, contact, str(number))
            if found not in known:
                break
            yield found
    if latest.status in (Status.REJECTED, Status.ACCEPTED, Status.DECLINED):
        for person in latest.interviewers:
            yield ident(Kind.CONNECT, person)


# Follow-ups of which a note has one per person, whatever else changes: those that have a key
# of their own (which offer, which acceptance, the how-many-th keeping in touch) are not taken
# by their kind alone, nor by their draft's heading (another offer the same day has the same).
_BY_KIND = frozenset(KIND_LABEL) - {Kind.COMPETING_OFFER, Kind.KEEP_IN_TOUCH, Kind.WITHDRAW}
_BY_LABEL = sorted(((KIND_LABEL[k], k) for k in _BY_KIND), key=lambda p: -len(p[0]))


# Follow-ups with no draft, one to a note: their line's words say their kind
_BY_WORDS = {"Prepare for the ": Kind.PREPARE, "No answer from ": Kind.MOVE_ON}


def _kind_linked(linked: str) -> Kind | None:
    """The kind of follow-up whose draft a heading names (`Draft — status check to …`)."""
    for label, kind in _BY_LABEL:
        if linked.startswith((f"Draft — {label} to ", f"Draft — {label} (")):
            return kind
    return None


class Lines:
    """vaultfu's task lines in all the notes, by id: the first line of each, and for an id on
    lines of several notes (`copied`: a note duplicated, ids and all) the line in each note."""

    def __init__(self, interviews: Sequence[Interview]) -> None:
        self.first: dict[str, Task] = {}
        self.copied: set[str] = set()
        self.placed: dict[tuple[str, str], Task] = {}  # (id, note) → its line, for those
        for note in interviews:
            for task in note.tasks:
                ident = task.id
                if not task.is_vaultfu or ident is None:
                    continue
                first = self.first.setdefault(ident, task)
                if first is not task and not any(first is t for t in note.tasks):
                    self.copied.add(ident)  # (the same id twice in one note is no copy)
        for note in interviews if self.copied else ():
            for task in note.tasks:
                if task.is_vaultfu and task.id in self.copied:
                    self.placed.setdefault((task.id, note.path), task)

    def __contains__(self, ident: object) -> bool:
        return ident in self.first

    def get(self, ident: str, note: str) -> Task | None:
        """The line of this id, the one in `note` if it has one of several."""
        found = self.first.get(ident)
        if ident in self.copied:
            found = self.placed.get((ident, note), found)
        return found


def adoptions(
    app: Application,
    actions: list[Action],
    start: int,
    looked: Container[str | None],
    written: Lines,
    tasks_filter: str = "",
) -> dict[str, str]:
    """The follow-ups of `actions[start:]` with no line (their ids not `written`), each paired
    with a line of the same note whose id no follow-up `looked` up (a line looked up by its own
    id is its follow-up's, done, cancelled or expired) and that says the same words (before its
    first ` · `); failing that, that links to the draft the follow-up would have (a company
    renamed changes the words, not the draft's heading); failing that, to a draft of the same
    kind (a name corrected, or caught half typed by the watcher, changes both), or for a
    preparation or a move-on, which have no draft, that is one of the same kind. Returns {the
    follow-up's id: the line's id}; only pairs that are one of a kind on both sides. A line
    whose id is on lines of other notes too (a note duplicated) is never taken. A line's words
    are read without the Tasks plugin's global filter (`tasks_filter`), which vaultfu adds."""
    orphans = [
        (note.path, task)
        for note in app.notes
        for task in note.tasks
        if task.id not in looked and task.is_vaultfu and task.id not in written.copied
    ]
    if not orphans:
        return {}
    lines: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for path, task in orphans:
        assert task.id is not None
        words = without_filter(task.text, tasks_filter)
        lines[path, "words", words.split(" · ", 1)[0]].append(task.id)
        linked = linked_draft(task.text)
        kind = _kind_linked(linked) if linked is not None else None
        if linked is not None and kind is not None:
            lines[path, "draft", linked].append(task.id)
            lines[path, "kind", kind.value].append(task.id)
        elif linked is None:
            said = next((k for w, k in _BY_WORDS.items() if words.startswith(w)), None)
            if said is not None:
                lines[path, "kind", said.value].append(task.id)

    def keys(action: Action) -> list[tuple[str, str, str]]:
        found = [(action.note, "words", safe.text(action.text))]
        if action.kind in _BY_KIND:
            found.append((action.note, "draft", heading(action)))
        if action.kind in _BY_KIND or action.kind in _BY_WORDS.values():
            found.append((action.note, "kind", action.kind.value))
        return found

    absent = [
        (action, keys(action))
        for action in actions[start:]
        if action.kind is not Kind.TASK and action.id not in written
    ]
    wanting: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for action, its in absent:
        for key in its:
            wanting[key].append(action.id)
    pairs: dict[str, str] = {}
    for action, its in absent:
        for key in its:
            found = lines.get(key, [])
            if len(wanting[key]) == 1 and len(found) == 1 and found[0] not in pairs.values():
                pairs[action.id] = found[0]
                break
    return pairs


def copies(
    interviews: Sequence[Interview], copied: Collection[str], actions: Iterable[Action]
) -> tuple[Copies, list[Problem]]:
    """Where the lines of the ids that are on lines of several notes (`copied`) are copies: a
    note duplicated for the next round, or as a template for another company, holds vaultfu's
    lines with their ids. The line in the note its follow-up is for is the one that counts; the
    others are copies, left as they are (see `writeback.follow_up_ops`). With no such follow-up
    (it no longer applies) every line of the id is stale, and is treated as such (an open one
    is cancelled); those but the one in the note of the earliest interview are said to be
    copies all the same. Said once per note."""
    if not copied:
        return frozenset(), []
    holding: dict[str, list[tuple[Interview, int]]] = defaultdict(list)
    for note in interviews:
        for task in note.tasks:
            if task.is_vaultfu and task.id in copied:
                assert task.id is not None
                holding[task.id].append((note, task.line))
    home = {a.id: a.note for a in actions if a.id in holding}
    found: set[tuple[str, str]] = set()
    said: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for ident, lines in holding.items():
        paths = {note.path for note, _ in lines}
        live = home.get(ident) in paths
        first = min((n for n, _ in lines), key=lambda n: (n.date is None, n.date, n.path))
        kept = home[ident] if live else first.path
        for note, line in lines:
            if note.path != kept:
                if live:
                    found.add((note.path, ident))
                said[note.path, kept].append((line, ident))
    by_path = {note.path: note for lines in holding.values() for note, _ in lines}
    return frozenset(found), _said(said, by_path)


def _said(
    said: Mapping[tuple[str, str], list[tuple[int, str]]], notes: Mapping[str, Interview]
) -> list[Problem]:
    """One problem per note holding copies; two notes of one interview (a note duplicated,
    its date not changed yet: which is the copy cannot be told) are said to be that, once."""
    problems = []
    pairs: set[frozenset[str]] = set()
    for (path, kept), where in sorted(said.items()):
        line, ident = min(where)
        note, other = notes[path], notes[kept]
        if (note.application_key, note.date) == (other.application_key, other.date):
            if frozenset((path, kept)) not in pairs:
                pairs.add(frozenset((path, kept)))
                message = (
                    f"the same interview as {kept} to vaultfu (the same company, role, date and "
                    "time, and the same task lines): give the new note its own date and time, "
                    "or delete one of the two"
                )
                problems.append(Problem(path, line, message))
            continue
        if len(where) == 1:
            what, count, them = f"this task line is also in {kept} ({ident})", "it counts", "it"
        else:
            what, count, them = (
                f"{len(where)} task lines here are also in {kept}",
                "they count",
                "them",
            )
        message = (
            f"{what}, as in a duplicated note: {count} only there, and this note gets its own "
            f"follow-ups; delete {them} here"
        )
        problems.append(Problem(path, line, message))
    return problems


_LOOSE_ID = re.compile(r"🆔\ufe0f? *(vf-[0-9a-f]{10})\b")


def line_key(line: str) -> str:
    """What a line is, to tell it among a note's lines before and after an edit: the id of a
    task line of vaultfu's (its box ticked, its words or 📅 brought up to date, it is the same
    line), else its text."""
    found = _LOOSE_ID.search(line) if "🆔" in line else None
    return found.group(1) if found else line


def ids_present(tasks: Iterable[Task]) -> set[str]:
    """The ids on task lines, also where a user's edit hid it from the Tasks plugin's reading
    (text after a block id): such a line is still the task, and is never written twice."""
    found = set()
    for task in tasks:
        if task.id:
            found.add(task.id)
        if "🆔" in task.description:
            found.update(_LOOSE_ID.findall(task.description))
    return found


REPEATS = (
    "repeats (🔁) and was ticked in the agenda: tick it here, where the Tasks plugin adds its "
    "next occurrence (the agenda keeps your tick until then)"
)


def repeating_ticked(
    ticks: Ticks, interviews: Iterable[Interview]
) -> tuple[Ticks, dict[str, tuple[str, int]]]:
    """The ticks without those on the user's open recurring tasks (🔁), and where each of those
    is: a tick carried into the note would close it with no next occurrence (only the plugin's
    own toggle adds that), so it stays in the agenda until the task is done in its note."""
    if not ticks:
        return ticks, {}
    found: dict[str, tuple[str, int]] = {}  # id → (note, line)
    for note in interviews:
        for task in note.tasks:
            if task.recurs and not task.is_vaultfu and task.status is TaskStatus.OPEN:
                ident = user_task_id(note, task)
                if ident in ticks:
                    found[ident] = (note.path, task.line)
    return {i: tick for i, tick in ticks.items() if i not in found}, found
