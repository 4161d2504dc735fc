"""Decide what goes into each note and why: ticks carried back, task lines, drafts and
cancellations, planned on the notes' text alone (pure: text in, text out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, replace

import msgspec

from .agenda import Ticks
from .config import Config
from .drafts import (
    facts_hash,
    heading,
    refreshed_words,
    stale,
)
from .edits import (
    LineError,
    append_sections,
    drafts_section,
    follow_ups_section,
    insert_tasks,
    replace_lines,
    set_task_mark,
    update_task_line,
)
from .front import find_frontmatter
from .ids import REPEATS, ids_present, repeating_ticked, user_task_id
from .memo import PlanMemo, line_words
from .model import Action, DraftMark, Interview, Kind, Plan, Problem, TaskStatus
from .notes import parse_text
from .playbook import Shown, plan
from .wanted import Request, Said, Wanted, build_wanted, last_drafts
from .wording import note_task_line, task_words, with_filter, without_filter


def _interview_of(text: str, rel: str, config: Config) -> Interview | None:
    found = parse_text(rel, text, config)
    return found[0] if found else None


Mark = tuple[int, str, str]  # (line, new checkbox or "" to keep it, stamp to append)


def tick_ops(interview: Interview, wanted: Wanted) -> tuple[list[Mark], list[Action]]:
    """Phase one, decided from a note's tasks: ticks from the agenda or `vaultfu done` land on
    their task lines; a task ticked by hand without a date gets today's ✅; a ticked (or
    cancelled) action with no line yet gets one, ticked (or cancelled). Copies of another
    note's lines take none."""
    marks: list[Mark] = []
    present: set[str] = set()
    for task in interview.tasks:
        if wanted.copies and (interview.path, task.id) in wanted.copies:
            continue
        if not wanted.ticks:  # the common case: only boxes ticked by hand need a date
            if task.is_vaultfu and task.status is TaskStatus.DONE and task.done is None:
                marks.append((task.line, "", f"✅ {wanted.today.isoformat()}"))  # its box kept
            continue
        ident = task.id if task.is_vaultfu and task.id else user_task_id(interview, task)
        present.add(ident)
        tick = wanted.ticks.get(ident)
        if tick and task.status is TaskStatus.OPEN:
            status, day = tick
            mark, emoji = ("x", "✅") if status is TaskStatus.DONE else ("-", "❌")
            marks.append((task.line, mark, f"{emoji} {day.isoformat()}"))
        elif task.is_vaultfu and task.status is TaskStatus.DONE and task.done is None:
            marks.append((task.line, "", f"✅ {wanted.today.isoformat()}"))
    if not wanted.ticks:
        return marks, []
    present |= ids_present(interview.tasks)  # a line whose id a block id hides is still it
    missing = [  # (not when another note has its line: two notes of one interview)
        wanted.actions[i]
        for i in wanted.ticks
        if i not in present
        and i not in wanted.written
        and i in wanted.actions
        and wanted.actions[i].note == interview.path
    ]
    return marks, missing


def carry_ticks(text: str, rel: str, config: Config, wanted: Wanted) -> str:
    interview = _interview_of(text, rel, config)
    if interview is None:
        return text
    marks, missing = tick_ops(interview, wanted)
    for line, mark, stamp in marks:
        text = set_task_mark(text, line, mark, stamp)
    if missing:
        tasks_filter = wanted.tasks_filter
        lines = [note_task_line(a, None, wanted.ticks[a.id], tasks_filter) for a in missing]
        text = insert_tasks(text, follow_ups_section(text), lines)
    return text


# (line, words, due, a ⏳ to add) of an open task line of vaultfu's
Refresh = tuple[int, str, dt.date, dt.date | None]
Redraft = tuple[int, int, str]  # (first line, last line, new section) of a draft of vaultfu's


class Ops(msgspec.Struct, frozen=True):
    """Phase two's edits of one note, decided from its parsed tasks and drafts."""

    marks: list[Mark]
    refresh: list[Refresh]
    redraft: list[Redraft]
    new_lines: list[str]
    sections: list[str]

    def __bool__(self) -> bool:
        return bool(self.marks or self.refresh or self.redraft or self.new_lines or self.sections)


def follow_up_ops(interview: Interview, wanted: Wanted) -> Ops:
    """Phase two, decided from a note's tasks: due actions get their task line (and draft);
    open tasks of actions that no longer apply are cancelled; vaultfu's open task lines and
    unedited drafts follow the facts. Copies of another note's lines are left as they are."""
    marks: list[Mark] = []
    refresh: list[Refresh] = []
    for task in interview.tasks:
        if not task.is_vaultfu or task.status is not TaskStatus.OPEN:
            continue
        if wanted.copies and (interview.path, task.id) in wanted.copies:
            continue
        action = wanted.actions.get(task.id or "")
        if action is None:
            if wanted.cancel_stale:  # it no longer applies
                marks.append((task.line, "-", f"❌ {wanted.today.isoformat()}"))
        elif action.done is not None:  # the facts say it was done (an offer answered)
            marks.append((task.line, "x", f"✅ {action.done.isoformat()}"))
        elif action.kind is not Kind.TASK:
            draft = wanted.link(action.id)
            bare = without_filter(task.text, wanted.tasks_filter)  # as the agenda shows them
            words = task_words(action, draft) if draft else line_words(action, task.text)
            if words != bare and wanted.said is not None:  # are they still vaultfu's?
                shown = wanted.said(action.id)  # (the filter may be a word of vaultfu's own)
                kept = refreshed_words(task.text, words, draft, shown)
                words = kept if kept == words else refreshed_words(bare, words, draft, shown)
            # the global filter where the line has it, else in front: the line stays a task
            tags = task.description[len(task.text) :]
            words = with_filter(task.text if words == bare else words, wanted.tasks_filter, tags)
            snooze = action.put_off if task.scheduled is None else None
            if words != task.text or action.due != task.due or snooze:
                refresh.append((task.line, words, action.due, snooze))
    last = last_drafts(interview)
    redraft = [
        (mark.start, mark.end, wanted.redrafts[mark.id])
        for mark in interview.drafts
        if mark.id in wanted.redrafts and mark.intact and last[mark.id] is mark
    ]
    mail = wanted.mail_lines.get(interview.path, ())
    known = {m.hash for m in interview.mail} if mail else set()
    new_lines = [line for h, line in mail if h not in known]
    sections: list[str] = []
    wanted_here = wanted.by_note.get(interview.path, ())
    if not wanted_here:  # (most notes: the rest is for the follow-ups to write here)
        return Ops(marks, refresh, redraft, new_lines, sections)
    present = ids_present(interview.tasks)
    for ident in wanted_here:
        action = wanted.actions[ident]
        draft = wanted.drafts.get(ident)
        if ident not in present:
            if ident in last and ident not in wanted.force_drafts:  # the line was deleted:
                # it comes back, alone, linked to the draft that is still there (by the
                # heading it is given now, when it is brought up to date in this same edit)
                mark = last[ident]
                fresh = ident in wanted.redrafts and mark.intact
                draft_heading = wanted.headings[ident] if fresh else mark.heading
                new_lines.append(note_task_line(action, draft_heading, None, wanted.tasks_filter))
                continue
            linked = wanted.headings.get(ident, heading(action)) if draft else None
            new_lines.append(note_task_line(action, linked, None, wanted.tasks_filter))
            if draft:
                sections.append(draft)
        elif ident in wanted.force_drafts and draft:
            sections.append(draft)
    return Ops(marks, refresh, redraft, new_lines, sections)


def add_follow_ups(text: str, rel: str, config: Config, wanted: Wanted) -> str:
    interview = _interview_of(text, rel, config)
    if interview is None:
        return text
    ops = follow_up_ops(interview, wanted)
    for line, mark, stamp in ops.marks:
        text = set_task_mark(text, line, mark, stamp)
    for line, words, due, snooze in ops.refresh:
        text = update_task_line(text, line, words, due, snooze)
    for first, last, section in sorted(ops.redraft, reverse=True):  # from the bottom up
        text = replace_lines(text, first, last, section)
    text = insert_tasks(text, follow_ups_section(text), ops.new_lines)
    return append_sections(text, ops.sections, drafts_section(text))


def edit_note(text: str, rel: str, config: Config, wanted: Wanted) -> str:
    return add_follow_ups(carry_ticks(text, rel, config, wanted), rel, config, wanted)


def check_edit(before: str, after: str, rel: str, config: Config, wanted: Wanted) -> str | None:
    """What is wrong with an edit, or None. Refuses any edit a second run would repeat."""
    if after == before:
        return None
    block = find_frontmatter(before)
    if block is None or not after.startswith(before[: block.body_offset]):
        return "the edit would change the frontmatter; left as it is"
    settled = replace(wanted, force_drafts=frozenset()) if wanted.force_drafts else wanted
    again = edit_note(after, rel, config, settled)
    if again != after:
        return (
            "vaultfu cannot place its task lines where Markdown reads them as tasks "
            "(is there an unclosed code block?); left as it is"
        )
    return None


@dataclass(frozen=True)
class NotesPlan:
    plan: Plan  # the plan after ticks were carried back
    wanted: Wanted
    edits: dict[str, str]  # rel → the note's new text, for notes that change
    problems: tuple[Problem, ...]
    held: tuple[tuple[Action, TaskStatus, dt.date], ...] = ()  # ticks no note could take


def plan_notes(
    text_of: Callable[[str], str],
    interviews: tuple[Interview, ...],
    *,
    config: Config,
    today: dt.date,
    ticks: Ticks,
    request: Request,
    template: Callable[[str], str],
    resolve: Callable[[Iterable[Interview]], Iterable[Interview]],
    edits: bool = True,
    memo: PlanMemo | None = None,
    shown: Shown | None = None,
    frozen: Container[str] = (),
    unread: frozenset[str] = frozenset(),
    said: Said | None = None,
) -> NotesPlan:
    """Every edit a run makes to the interview notes. Which notes change is decided from their
    parsed tasks; only those are read as text (`text_of`) and edited. No disk here: the text
    source, the template source and the person-link resolver are passed in. `frozen` notes
    (the notes of an application one of whose notes does not read) are not edited: their ticks
    stay in the agenda. `unread`: the ids on the lines of notes that do not read, written
    nowhere else. `said`: see `Wanted`."""
    # Phase one: carry ticks back into the notes.
    rules, tasks_filter = config.playbook, config.tasks_filter or ""
    first = plan(
        interviews, today=today, rules=rules, memo=memo, shown=shown, tasks_filter=tasks_filter
    )
    written = ids_present(t for n in interviews for t in n.tasks) | unread if ticks else set()
    all_ticks, (ticks, repeating) = ticks, repeating_ticked(ticks, interviews)
    wanted = Wanted(
        today=today,
        ticks=ticks,
        actions={a.id: a for a in first.actions},
        copies=first.copies,
        written=frozenset(written),
        said=said,
        tasks_filter=tasks_filter,
    )
    ticked: dict[str, str] = {}
    held = [(wanted.actions[i], *all_ticks[i]) for i in repeating if i in wanted.actions]
    for note in interviews:
        if note.path in frozen:
            held += _held(ticks, wanted, note.path)
            continue
        marks, missing = tick_ops(note, wanted)
        if marks or missing:
            try:
                ticked[note.path] = carry_ticks(text_of(note.path), note.path, config, wanted)
            except LineError:
                held += _held(ticks, wanted, note.path)
    if ticked:
        fresh = []
        for note in interviews:
            found = (
                parse_text(note.path, ticked[note.path], config) if note.path in ticked else None
            )
            fresh.append(next(iter(resolve([found[0]]))) if found else note)
        interviews = tuple(fresh)

    # Phase two: plan again (when ticks changed a note) and add what is due.
    second = (
        plan(
            interviews, today=today, rules=rules, memo=memo, shown=shown, tasks_filter=tasks_filter
        )
        if ticked
        else first
    )
    if not edits:  # the agenda only (--no-write): ticks count, nothing else is planned
        return NotesPlan(second, wanted, {}, ())
    # (a tick held for a task of the user's that is no task now, the Tasks plugin's global filter
    # set since, say: not held, so nothing to say of it; the agenda drops it as any such tick)
    problems = [Problem(*repeating[i], REPEATS) for i in sorted(repeating) if i in wanted.actions]
    outdated: list[tuple[Interview, DraftMark, Action]] = []  # edited drafts out of date
    ticks_only = replace(wanted, cancel_stale=False)
    hashed = memo.facts_hash if memo is not None else facts_hash  # (the watcher's: kept)
    wanted = build_wanted(
        config, second, interviews, today, ticks, request, template, problems, outdated,
        unread=unread, hashed=hashed, said=said,
    )  # fmt: skip
    if memo is not None:
        memo.turn()
    changes: dict[str, str] = {}
    for note in interviews:
        rel = note.path
        if rel in frozen or not (follow_up_ops(note, wanted) or rel in ticked):
            continue
        before = text_of(rel)
        try:
            new = add_follow_ups(ticked.get(rel, before), rel, config, wanted)
            trouble = check_edit(before, new, rel, config, wanted)
        except LineError as exc:
            new, trouble = before, str(exc)
        if trouble:
            problems.append(Problem(rel, None, trouble))
            if rel in ticked:  # the ticks alone, if the note can take them; else held
                alone = ticked[rel]
                if check_edit(before, alone, rel, config, ticks_only) is None:
                    changes[rel] = alone
                else:
                    held += _held(ticks, ticks_only, rel)
        elif new != before:
            changes[rel] = new
    for note, mark, action in outdated:  # (the engine names them where the edits put them)
        problems.append(Problem(note.path, mark.start, stale(mark, action, note)))
    return NotesPlan(second, wanted, changes, tuple(problems), tuple(held))


Held = tuple[Action, TaskStatus, dt.date]  # a tick its note cannot take yet


def _held(ticks: Ticks, wanted: Wanted, rel: str) -> list[Held]:
    """The ticks meant for a note that cannot take them: they stay ticked in the agenda."""
    return [
        (wanted.actions[ident], status, day)
        for ident, (status, day) in sorted(ticks.items())
        if ident in wanted.actions and wanted.actions[ident].note == rel
    ]
