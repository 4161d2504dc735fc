"""Run one command: read the vault, plan every write in memory, then write, each write checked.

The reading is `index`, the deciding is `writeback` (pure) and `agenda`; the disk is `vault`. A
run is planned in memory first (ticks carried back, then tasks, drafts and cancellations, then the
agenda), and only then written, note by note, each write checked against a concurrent change.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from msgspec.structs import replace

from . import settled, vault
from .agenda import agenda_ticks, region_bytes, shown_due, shown_words
from .body import status_table
from .config import Config
from .edits import LineError, RegionError, lines_of, region_of, replace_region
from .errors import NoteError, Refused, WriteConflict
from .front import BOM_BYTES, checked, decode
from .ids import ids_present, line_key
from .inbox import recent
from .index import Index, Loaded, load, resolve_people
from .memo import PlanMemo
from .model import Action, Agenda, Problem, RunResult, TaskStatus, Write
from .reading import Progress, Source
from .settled import Scanned
from .stats import mermaid
from .wanted import Request, Wanted, action_order
from .writeback import check_edit, edit_note, plan_notes

# ---------------------------------------------------------------------------------------------
# A run


@dataclass(frozen=True)
class Prepared:
    """A planned run: everything read and decided, nothing written yet."""

    root: Path
    config: Config
    loaded: Loaded
    agenda_snap: vault.Snapshot | None  # None: the agenda note cannot be written
    wanted: Wanted
    result: RunResult
    again: Callable[[], Prepared] | None = None  # the same run planned afresh


class AgendaTicked(Exception):
    """The user ticked a box in the agenda after vaultfu read it: plan the run again."""


MAX_AGENDA_BYTES = 16_000_000


def prepare(
    root: Path,
    *,
    today: dt.date | None,
    clock: dt.date,
    request: Request | None = None,
    index: Index | None = None,
    edits: bool = True,
    progress: Progress | None = None,
    memo: PlanMemo | None = None,
    scanned: Scanned | None = None,
) -> Prepared:
    """Read the vault (or take the watcher's index of it) and plan every write, in memory.
    `memo`: the watcher's planning of the applications that did not change; `scanned`: the
    scan this run made already (see `settled`)."""
    request = request or Request()
    if scanned is not None:
        root, config = scanned.root, scanned.config
        loaded = load(root, config, progress=progress, scanned=(scanned.notes, scanned.temp))
    elif index is None:
        root = vault.open_vault(root)
        config = vault.read_config(root)
        loaded = load(root, config, progress=progress)
    else:
        root, config, loaded = index.root, index.config, index.loaded(keep=request.hold_stale)
    day = today or config.today or clock
    problems = [*loaded.problems, *request.problems]
    agenda_snap: vault.Snapshot | None = None
    agenda_data = None  # its bytes, checked, without a BOM: spliced as bytes (see replace_region)
    try:
        agenda_snap = vault.read(root, config.agenda, limit=MAX_AGENDA_BYTES)
        if agenda_snap.size > MAX_AGENDA_BYTES:
            size = f"{agenda_snap.size / 1e6:.0f} MB"
            message = f"is {size}, too large for an agenda note; vaultfu leaves it alone"
            raise NoteError(config.agenda, None, message)
        if agenda_snap.data is not None:
            agenda_data = checked(agenda_snap.data, config.agenda)
    except NoteError as exc:
        problems.append(Problem(exc.path, exc.line, exc.message))
        agenda_snap = None
    except OSError as exc:
        problems.append(Problem(config.agenda, None, f"cannot be the agenda: {exc.strerror}"))
        agenda_snap = None

    statuses = status_table(config.task_statuses)
    ticks = agenda_ticks(agenda_data, config.agenda, day, statuses)
    ticks.update({i: (TaskStatus.DONE, on) for i, on in request.done.items()})
    sources = dict(loaded.sources)
    # An application one of whose notes does not read (and is not planned as it last read, see
    # `Index.loaded`) is planned without it, and nothing is written into its notes: what is
    # planned may be wrong (round 1 chased because round 2's status does not read), so it is
    # listed, not written, until the note reads.
    kept = loaded.frozen
    stuck = {p.application for p in loaded.problems if p.application and p.path not in kept}
    if stuck:
        kept = kept | {n.path for n in loaded.interviews if n.application_key in stuck}

    def text_of(rel: str) -> str:
        if rel not in sources:  # the index came from the cache: read the note now
            sources[rel] = Source.of(vault.read(root, rel))
        return sources[rel].text

    region_now: bytes | None = None  # the agenda's region as it is, read when first needed
    # the lines of notes not written this run: a 📅 moved there is no postpone that a ⏳ can
    # hold (each run would take it, then give it up)
    unwritten = (
        ids_present(t for n in loaded.interviews if n.path in kept for t in n.tasks) if kept else ()
    )

    def region_as_is() -> bytes:
        nonlocal region_now
        if region_now is None:
            region_now = region_of(agenda_data or b"") or b""
        return region_now

    def shown_day(ident: str) -> dt.date | None:  # read only when the 📅 of a line was moved
        return None if ident in unwritten else shown_due(region_as_is(), ident)

    def said(ident: str) -> str | None:  # read only when a line's words are to change
        return shown_words(region_as_is(), ident)

    planned = plan_notes(
        text_of,
        loaded.interviews,
        config=config,
        today=day,
        ticks=ticks,
        request=request,
        template=functools.partial(vault.read_template, root),
        resolve=lambda notes: resolve_people(root, loaded, notes),
        edits=edits,
        memo=memo,
        shown=shown_day,
        said=said,
        frozen=kept,
        unread=frozenset(i for p in loaded.problems for i in p.ids),
    )
    second, wanted, changes = planned.plan, planned.wanted, planned.edits
    problems.extend(planned.problems)
    problems.extend(second.problems)
    if changes:  # a line named in a note this run edits, named where it will be
        edited: dict[str, list[Opcode]] = {}
        problems = [_after_edits(p, sources, changes, edited) for p in problems]

    held = {action.id for action, _, _ in planned.held}
    agenda = Agenda(
        today=day,
        actions=tuple(a for a in second.open() if a.id not in held),
        waiting=second.waiting,
        problems=(),
        held=planned.held,
        replies=recent(loaded.interviews, day),
    )
    region = b""  # the agenda alone (edits=False) is printed, never written: nothing to render
    if edits:
        chart = mermaid(second.applications, closed=second.closed)
        shown = replace(agenda, problems=sorted_problems(problems))
        lines = memo.lines if memo is not None else None
        region = region_bytes(shown, loaded.link_for, chart, config.agenda_dates, lines)
    writes = [
        Write(rel, sources[rel].snapshot.data or b"", sources[rel].encode(new))
        for rel, new in sorted(changes.items())
    ]
    if agenda_snap is not None and edits:
        try:
            bom = BOM_BYTES if (agenda_snap.data or b"").startswith(BOM_BYTES) else b""
            after = bom + replace_region(agenda_data or b"", region)
            if after != agenda_snap.data:
                writes.append(Write(config.agenda, agenda_snap.data or b"", after))
        except RegionError as exc:
            problems.append(Problem(config.agenda, exc.line, str(exc)))
            agenda_snap = None

    def added_draft(a: Action) -> bool:  # its section's heading line is new, not a link to it
        line = f"# {wanted.headings[a.id]}"  # (every draft rendered has its heading)
        return a.note in changes and changes[a.note].count(line) > sources[a.note].text.count(line)

    actions = sorted((wanted.actions[i] for i in wanted.drafts), key=action_order)
    drafted = tuple(a for a in actions if added_draft(a))
    titles = tuple((a.id, wanted.headings[a.id]) for a in drafted)
    result = RunResult(
        agenda=replace(agenda, problems=sorted_problems(problems)),
        agenda_path=config.agenda,
        region=region,
        pinned=today is None and config.today is not None,
        writes=tuple(writes),
        written=(),
        drafted=drafted,
        headings=titles,
    )

    def again() -> Prepared:
        if index is not None:
            index.refresh()
        return prepare(
            root, today=today, clock=clock, request=request, index=index, edits=edits, memo=memo
        )

    loaded = replace(loaded, sources=sources)
    return Prepared(root, config, loaded, agenda_snap, wanted, result, again)


def commit(prepared: Prepared, attempts: int = 3) -> RunResult:
    """Carry out the planned writes, each atomic and checked against a concurrent change. When
    the user ticked a box in the agenda meanwhile, the run is planned again from what the notes
    and the agenda say now, so that the tick is carried to its note, never written over."""
    result = prepared.result
    written: list[str] = []
    problems = list(result.agenda.problems)
    for w in result.writes:
        try:
            if _write_one(prepared, w):
                written.append(w.rel)
        except NoteError as exc:
            problems.append(Problem(exc.path, exc.line, exc.message))
        except AgendaTicked:
            if prepared.again is None or attempts <= 1:
                message = "was ticked while vaultfu wrote it; left as it is for the next run"
                problems.append(Problem(w.rel, None, message))
                continue
            later = commit(prepared.again(), attempts - 1)
            done = (*written, *(r for r in later.written if r not in written))
            drafted, titles = (*result.drafted, *later.drafted), (*result.headings, *later.headings)
            return replace(later, written=done, drafted=drafted, headings=titles)
    agenda = replace(result.agenda, problems=sorted_problems(problems))
    return replace(result, agenda=agenda, written=tuple(written))


def run(
    root: Path,
    *,
    today: dt.date | None,
    clock: dt.date,
    write: bool,
    request: Request | None = None,
    edits: bool = True,
    git: bool | None = None,
    progress: Progress | None = None,
    scanned: Scanned | None = None,
) -> RunResult:
    """Plan everything, then write (with write=False, only return the planned writes; with
    edits=False, plan the agenda alone). With `git` (or `commit = true` in the settings),
    vaultfu's own writes are committed, and nothing of the user's. With `scanned` (a plain
    `agenda`), a run that plans no write is kept for the next one (see `settled`)."""
    prepared = prepare(
        root,
        today=today,
        clock=clock,
        request=request,
        edits=edits,
        progress=progress,
        scanned=scanned,
    )
    if scanned is not None:
        settled.remember(scanned, prepared.result, prepared.loaded.read)
    if not write:
        return prepared.result
    wants_git = prepared.config.commit if git is None else git
    if wants_git:
        from .vault.git import git_busy, git_commit, git_state
    before = (
        git_state(prepared.root, [w.rel for w in prepared.result.writes]) if wants_git else None
    )
    result = commit(prepared)
    if before is None or not result.written:
        return result
    changed, untracked = before
    created = {w.rel for w in prepared.result.writes if w.before == b""}
    theirs = [r for r in result.written if r in changed or (r in untracked and r not in created)]
    ours = [r for r in result.written if r not in theirs]
    message = commit_message(result, theirs)
    busy = git_busy(prepared.root)
    if busy:
        trouble: str | None = f"{busy}; finish it, then commit vaultfu's notes yourself"
    else:
        trouble = git_commit(prepared.root, ours, message, hooks=prepared.config.git_hooks)
    if trouble:
        problems = (*result.agenda.problems, Problem(".git", None, f"not committed: {trouble}"))
        result = replace(result, agenda=replace(result.agenda, problems=sorted_problems(problems)))
        return replace(result, committed=(), message="")
    return replace(result, committed=tuple(ours), message=message)


def commit_message(result: RunResult, theirs: list[str]) -> str:
    """What vaultfu did, in one line: "vaultfu: agenda for 2026-11-22; 2 drafts (Acme, Globex)"."""
    parts = [f"vaultfu: agenda for {result.agenda.today.isoformat()}"]
    if result.drafted:
        companies = sorted({a.company for a in result.drafted})
        count = len(result.drafted)
        parts.append(f"{count} draft{'s' if count > 1 else ''} ({', '.join(companies)})")
    notes = [r for r in result.written if r != result.agenda_path and r not in theirs]
    if notes and not result.drafted:
        parts.append(f"follow-ups in {len(notes)} note{'s' if len(notes) > 1 else ''}")
    if theirs:
        parts.append("not committed, holding your own changes: " + ", ".join(sorted(theirs)))
    return "; ".join(parts)


Opcode = tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]


def _after_edits(
    problem: Problem,
    sources: dict[str, Source],
    changes: dict[str, str],
    edited: dict[str, list[Opcode]],
) -> Problem:
    """A problem that names a line of a note this run edits, naming that line where it will
    be once the edit is written (a line added above it moves it down): the next run, with
    nothing to write, must say the same. `edited`: each note's old lines against its new ones,
    compared once for all the problems of the note, vaultfu's task lines by their ids (a line
    ticked or brought up to date in the same edit is still where it was)."""
    rel = problem.path
    if problem.line is None or rel not in changes:
        return problem
    if rel not in edited:
        before = [line_key(line) for line in lines_of(sources[rel].text)]
        after = [line_key(line) for line in lines_of(changes[rel])]
        edited[rel] = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    index = problem.line - 1
    for tag, start, end, new_start, new_end in edited[rel]:
        if start <= index < end:
            moved = new_start + (index - start if tag == "equal" else 0)
            return replace(problem, line=min(moved, max(new_end - 1, new_start)) + 1)
    return problem


def sorted_problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(sorted(problems, key=lambda p: (p.path, p.line or 0, p.message)))


def _write_one(prepared: Prepared, w: Write, attempts: int = 3) -> bool:
    """Write one planned change; when the file changed under us, read it again and plan this
    note's edits again on what is there now (never over the other writer's bytes)."""
    root, config, wanted = prepared.root, prepared.config, prepared.wanted
    is_agenda = w.rel == config.agenda
    if is_agenda:
        assert prepared.agenda_snap is not None
        snap = prepared.agenda_snap
    else:
        snap = prepared.loaded.sources[w.rel].snapshot
    data = w.after
    for _ in range(attempts):
        try:
            return vault.write(root, snap, data)
        except WriteConflict:
            snap = vault.read(root, w.rel)
            if snap.data is None and not is_agenda:
                raise NoteError(w.rel, None, "was removed while vaultfu was working") from None
            bom = BOM_BYTES if (snap.data or b"").startswith(BOM_BYTES) else b""
            if is_agenda:
                now_data = checked(snap.data or b"", w.rel)
                today, statuses = prepared.result.agenda.today, status_table(config.task_statuses)
                now = agenda_ticks(now_data, w.rel, today, statuses)
                planned = {i: status for i, (status, _) in prepared.wanted.ticks.items()}
                if any(planned.get(i) is not status for i, (status, _) in now.items()):
                    raise AgendaTicked(w.rel) from None  # a new tick: plan the run again
                try:
                    data = bom + replace_region(now_data, prepared.result.region)
                except RegionError as exc:
                    raise NoteError(w.rel, exc.line, str(exc)) from None
                continue
            text = decode(snap.data or b"", w.rel)
            try:
                new = edit_note(text, w.rel, config, wanted)
                trouble = check_edit(text, new, w.rel, config, wanted)
            except LineError as exc:
                new, trouble = text, str(exc)
            if trouble:
                raise NoteError(w.rel, None, trouble) from None
            data = bom + new.encode("utf-8")
        except Refused as exc:
            raise NoteError(w.rel, None, str(exc).split(": ", 1)[1]) from None
        except OSError as exc:
            raise NoteError(w.rel, None, f"cannot be written ({exc.strerror})") from None
    raise NoteError(w.rel, None, "kept changing while vaultfu tried to write it; left as it is")
