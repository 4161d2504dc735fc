"""What a run wants of the interview notes (pure): which follow-ups get their task line and
draft, the drafts rendered and their headings, the stale drafts brought up to date. Each note's
edits are then worked out from it and the note's own text (see `writeback`)."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .config import Config
from .drafts import DraftError, draft_section, facts_hash, unique_heading
from .ids import ids_present
from .model import Action, Copies, DraftMark, Interview, Kind, Plan, Problem, TaskStatus

Said = Callable[[str], str | None]  # id → the words the agenda showed for it


@dataclass(frozen=True)
class Wanted:
    """What a run wants of the notes; each note's edits are derived from it and its own text,
    so they can be planned again on a fresh read."""

    today: dt.date
    ticks: Mapping[str, tuple[TaskStatus, dt.date]]  # id → done or cancelled, on a day
    actions: Mapping[str, Action]  # every action that applies, by id
    materialize: frozenset[str] = frozenset()  # ids whose task (and draft) belong in the notes
    force_drafts: frozenset[str] = frozenset()  # ids to draft again even with a task present
    drafts: Mapping[str, str] = field(default_factory=dict)  # id → rendered section
    redrafts: Mapping[str, str] = field(default_factory=dict)  # id → a stale draft, brought
    # up to date (only drafts still exactly as vaultfu wrote them)
    headings: Mapping[str, str] = field(default_factory=dict)  # id → the heading of its draft
    # in `drafts` or `redrafts` (unique in its note, see `unique_heading`)
    cancel_stale: bool = True
    mail_lines: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    copies: Copies = frozenset()  # (note, id): copies of another note's lines, left alone
    written: frozenset[str] = frozenset()  # ids on a line in any note (read when ticks came)
    said: Said | None = None  # the words the agenda showed for an id (see `refreshed_words`)
    tasks_filter: str = ""  # the Tasks plugin's global filter, on every line vaultfu writes

    def link(self, ident: str) -> str | None:
        """The heading of the draft this edit writes for a follow-up whose line is there
        already (brought up to date, or asked for again with `draft --force`): its line links
        to it."""
        if ident in self.redrafts or (ident in self.force_drafts and ident in self.drafts):
            return self.headings.get(ident)
        return None

    @functools.cached_property
    def by_note(self) -> dict[str, list[str]]:
        """The ids to materialize, per note, in the order their lines are written."""
        groups: dict[str, list[str]] = defaultdict(list)
        for ident in sorted(self.materialize, key=lambda i: action_order(self.actions[i])):
            groups[self.actions[ident].note].append(ident)
        return groups


def action_order(action: Action) -> tuple[dt.date, str, str]:
    return (action.due, action.kind.value, action.person.name if action.person else "")


@dataclass(frozen=True)
class Request:
    """What the command asks for beyond the agenda itself."""

    done: Mapping[str, dt.date] = field(default_factory=dict)  # `vaultfu done ID --on DATE`
    draft_note: str | None = None  # `vaultfu draft NOTE`
    draft_kind: Kind | None = None
    force: bool = False
    # `vaultfu mail`: what the mailbox taught, per note: (hash, line) pairs to add
    mail_lines: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()  # found on the way (a mailbox that cannot be read)
    # the watcher while the user is still editing: open lines that no longer apply are left
    # open for now (a name or a status caught half typed must not cancel them for good)
    hold_stale: bool = False


def last_drafts(note: Interview) -> dict[str, DraftMark]:
    """Each follow-up's last draft section in a note: a draft asked for again (`vaultfu draft
    --force`) is written below the one it supersedes, which is then left as it is."""
    return {mark.id: mark for mark in note.drafts}


def build_wanted(
    config: Config,
    result: Plan,
    interviews: tuple[Interview, ...],
    day: dt.date,
    ticks: Mapping[str, tuple[TaskStatus, dt.date]],
    request: Request,
    template: Callable[[str], str],
    problems: list[Problem],
    outdated: list[tuple[Interview, DraftMark, Action]],
    unread: frozenset[str] = frozenset(),
    hashed: Callable[[Action, Interview, str | None], str] = facts_hash,
    said: Said | None = None,
) -> Wanted:
    by_path = {n.path: n for n in interviews}
    present = ids_present(t for n in interviews for t in n.tasks) | unread
    lead = dt.timedelta(days=config.lead_days)
    materialize: set[str] = set()
    force: set[str] = set()
    for action in result.open():
        if action.kind is Kind.TASK:
            continue
        if request.draft_note is not None:
            if action.note != request.draft_note or not action.kind.sends_message:
                continue
            if request.draft_kind is not None and action.kind is not request.draft_kind:
                continue
            materialize.add(action.id)
            if request.force:
                force.add(action.id)
        elif config.write_notes and action.due - lead <= day and action.id not in present:
            materialize.add(action.id)  # (a task already written needs nothing more)
    templates: dict[Kind, str] = {}

    headings: dict[str, str] = {}  # each draft's heading, unique in its note
    given: dict[str, dict[str, str]] = defaultdict(dict)  # note → id → heading, so far

    def render(action: Action, note: Interview, replacing: DraftMark | None = None) -> str | None:
        others = [m.heading for m in note.drafts if m is not replacing]
        others += [title for i, title in given[note.path].items() if i != action.id]
        title = unique_heading(action, others)
        try:
            if action.kind not in templates:
                templates[action.kind] = template(action.kind.value)
            section = draft_section(action, note, templates[action.kind], config.user_name, title)
            headings[action.id] = given[note.path][action.id] = title
            return section
        except (DraftError, OSError, UnicodeDecodeError) as exc:
            where = f".vaultfu/templates/{action.kind.value}.md"
            problems.append(Problem(where, None, f"template cannot be used: {exc}"))
            return None

    by_id = {a.id: a for a in result.actions}
    drafts: dict[str, str] = {}
    for ident in sorted(materialize):
        action = by_id[ident]
        if action.kind.sends_message and (section := render(action, by_path[action.note])):
            drafts[ident] = section
    redrafts: dict[str, str] = {}
    for note in interviews if config.write_notes else ():
        last = last_drafts(note)
        for mark in note.drafts:
            found = by_id.get(mark.id)
            if found is None or found.done is not None or found.note != note.path:
                continue
            if last[mark.id] is not mark:
                continue  # a fresh draft was asked for below it (`draft --force`): that one
            if hashed(found, note, config.user_name) == mark.facts:
                continue  # written from the facts as they are
            if not mark.intact:
                outdated.append((note, mark, found))  # said once the edits are made
            elif section := render(found, note, replacing=mark):
                redrafts[mark.id] = section
    return Wanted(
        today=day,
        ticks=ticks,
        actions=by_id,
        materialize=frozenset(materialize),
        force_drafts=frozenset(force),
        drafts=drafts,
        redrafts=redrafts,
        headings=headings,
        cancel_stale=config.write_notes and not request.hold_stale,
        mail_lines=request.mail_lines,
        copies=result.copies,
        written=frozenset(present) if ticks else frozenset(),
        said=said,
        tasks_filter=config.tasks_filter or "",
    )
