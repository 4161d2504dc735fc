"""The small commands: set a vault up, a new note, one key, checks, the calendar, the figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec

from . import vault
from .body import DEFAULT_STATUSES, draft_lines, status_table
from .config import CONFIG_NAME, Config
from .engine import Prepared, prepare, sorted_problems
from .errors import NoteError, Refused
from .front import BOM, decode, find_frontmatter, key_line
from .index import load, resolve_people
from .model import Interview, Problem, RunResult, TaskStatus, Write
from .notes import parse_text
from .playbook import plan
from .stats import Stats, compute
from .wanted import Request


def _create(root: Path, rel: str, text: str) -> bool:
    """Create a file that must not exist yet (never overwrites; False when it exists)."""
    snap = vault.read(root, rel)
    if snap.data is not None:
        return False
    return vault.write(root, snap, text.encode("utf-8"))


def init(root: Path) -> tuple[list[str], list[str]]:
    """`vaultfu init`: the settings, the agenda note, an interview template and, in an
    Obsidian vault, vaultfu's property types. Only creates and adds; returns (made, kept)."""
    from . import scaffold

    root = vault.open_vault(root)
    made: list[str] = []
    kept: list[str] = []

    def create(rel: str, text: str) -> None:
        (made if _create(root, rel, text) else kept).append(rel)

    create(CONFIG_NAME, scaffold.config_text())
    config = vault.read_config(root)
    create(config.agenda, scaffold.agenda_text())
    folder = vault.templates_folder(root)
    obsidian = root / ".obsidian"
    create(f"{folder}/{scaffold.TEMPLATE_NAME}", scaffold.template_text())
    create(scaffold.BASE_NAME, scaffold.base_text(config.type_key, config.type_value))
    if obsidian.is_dir():
        snap = vault.read(root, ".obsidian/types.json")
        try:
            merged = scaffold.merged_types(snap.data.decode("utf-8") if snap.data else None)
        except (ValueError, UnicodeDecodeError) as exc:
            raise NoteError(".obsidian/types.json", None, str(exc)) from None
        if merged is None:
            kept.append(".obsidian/types.json")
        else:
            vault.write(root, snap, merged.encode("utf-8"))
            made.append(".obsidian/types.json")
    return made, kept


def new_note(
    root: Path,
    *,
    company: str,
    role: str,
    when: dt.datetime | dt.date,
    interviewers: list[str],
    round_: str | None,
    today: dt.date,
) -> str:
    """`vaultfu new`: a well-formed interview note; never overwrites. Returns its path."""
    from . import scaffold
    from .model import Status

    root = vault.open_vault(root)
    config = vault.read_config(root)
    day = when.date() if isinstance(when, dt.datetime) else when
    stamp = when.strftime("%Y-%m-%dT%H:%M") if isinstance(when, dt.datetime) else day.isoformat()
    rel = scaffold.note_name(config.new_note, company=company, role=role, day=day)
    status = Status.SCHEDULED if day >= today else Status.WAITING
    text = scaffold.new_note_text(
        company=company,
        role=role,
        date=stamp,
        interviewers=interviewers,
        round_=round_,
        status=status,
    )
    if parse_text(rel, text, config) is None:  # pragma: no cover - our own text always parses
        raise NoteError(rel, None, "could not make a valid note")
    if not _create(root, rel, text):
        raise Refused(f"{rel} exists already; vaultfu does not overwrite notes")
    return rel


def set_value(root: Path, rel: str, key: str, value: str) -> Write | None:
    """`vaultfu set`: change one frontmatter key's line (DESIGN §4.1). The note must still read
    as a valid interview note afterwards, or nothing is written."""
    from . import scaffold

    root = vault.open_vault(root)
    config = vault.read_config(root)
    snap = vault.read(root, rel)
    if snap.data is None:
        raise NoteError(rel, None, "no such note")
    text = decode(snap.data, rel)
    block = find_frontmatter(text)
    try:
        reads = parse_text(rel, text, config) is not None
    except NoteError:  # an interview note with a wrong value: this one may be its fix
        reads = True
    if block is None or not reads:
        raise NoteError(rel, None, "is not an interview note")
    try:
        new = scaffold.set_key(text, block.body_offset, key, scaffold.yaml_value(value))
    except ValueError as exc:
        raise NoteError(rel, key_line(block, key), str(exc)) from None
    if parse_text(rel, new, config) is None:  # raises NoteError, naming the line, when wrong
        raise NoteError(rel, None, "is not an interview note")
    bom = BOM if snap.data.startswith(BOM.encode()) else ""
    after = (bom + new).encode("utf-8")
    if after == snap.data:
        return None
    vault.write(root, snap, after)
    return Write(rel, snap.data, after)


def check(
    root: Path, *, today: dt.date | None = None, clock: dt.date
) -> tuple[tuple[Problem, ...], TasksSaid]:
    """`vaultfu check`: every problem the notes have, alone or together (a `status_date`
    before the follow-ups the user did), and what was taken from the Tasks plugin's settings;
    the settings raise on their own."""
    root = vault.open_vault(root)
    config = vault.read_config(root)
    loaded = load(root, config)
    day = today or config.today or clock
    rules, tasks_filter = config.playbook, config.tasks_filter or ""
    planned = plan(loaded.interviews, today=day, rules=rules, tasks_filter=tasks_filter)
    return sorted_problems((*loaded.problems, *planned.problems)), _tasks_said(root, config)


class TasksSaid(msgspec.Struct, frozen=True):
    """What vaultfu took from the Tasks plugin's settings (or `.vaultfu.toml`) of what a task
    is: the global filter and where it is set, and each status of the user's table that reads
    otherwise than by the plugin's defaults (`{"d": "done"}`)."""

    global_filter: str | None
    source: str | None
    statuses: dict[str, str]

    def lines(self) -> list[str]:
        out = []
        if self.global_filter:
            out.append(
                f"Tasks plugin: global filter `{self.global_filter}` (from {self.source}): "
                "vaultfu writes it on its task lines, and counts your checklist lines as "
                "tasks only when they hold it"
            )
        if self.statuses:
            said = ", ".join(f"[{s}] {m}" for s, m in sorted(self.statuses.items()))
            out.append(f"Tasks plugin: statuses of your table read as {said}")
        return out


def _tasks_said(root: Path, config: Config) -> TasksSaid:
    """`vaultfu check`'s account of the Tasks plugin's settings it uses (see `TasksSaid`)."""
    plugin_filter, _ = vault.tasks_settings(root)  # (to tell where the filter was set)
    value = config.tasks_filter or None
    if value is None:
        source = None
    elif value == plugin_filter:
        source = vault.TASKS_SETTINGS
    else:
        source = CONFIG_NAME
    table = status_table(config.task_statuses)
    symbols = {s for s, _ in config.task_statuses} | set(DEFAULT_STATUSES)
    statuses = {
        s: table.get(s, TaskStatus.OPEN).name.lower()
        for s in symbols
        if table.get(s) is not DEFAULT_STATUSES.get(s)
    }
    return TasksSaid(value, source, statuses)


def system_zone() -> str:
    """This machine's IANA time zone (tzlocal), UTC when it cannot tell."""
    import tzlocal

    try:
        return tzlocal.get_localzone_name() or "UTC"
    except Exception:  # tzlocal raises its own kinds on a broken /etc/localtime
        return "UTC"


def calendar(root: Path, *, today: dt.date | None, clock: dt.date) -> tuple[bytes, int]:
    """`vaultfu ics`: the open follow-ups and the interviews; returns the file and its event
    count."""
    from .ics import calendar as build

    prepared = prepare(root, today=today, clock=clock, edits=False)
    actions = prepared.result.agenda.actions
    notes = prepared.loaded.interviews
    config = prepared.config
    remind = dt.time.fromisoformat(config.remind_at) if config.remind_at else None
    zone = config.timezone or system_zone()
    data = build(actions, notes, prepared.result.agenda.today, zone=zone, remind_at=remind)
    return data, len(actions) + sum(1 for n in notes if n.date)


def statistics(root: Path, *, today: dt.date | None = None, clock: dt.date) -> Stats:
    """`vaultfu stats`: applications the user closed (a ticked "move on") count as closed."""
    root = vault.open_vault(root)
    config = vault.read_config(root)
    interviews = load(root, config).interviews
    planned = plan(interviews, today=today or config.today or clock, rules=config.playbook)
    return compute(interviews, closed=planned.closed)


def send(root: Path, ident: str, *, today: dt.date | None, clock: dt.date) -> tuple[Path, str]:
    """`vaultfu send ID`: the follow-up's email draft, as it stands in its note now (the user's
    edits included), written as an unsent `.eml` outside the vault; (its path, who it is to)."""
    import time
    from email.utils import formataddr

    from .errors import VaultfuError
    from .message import eml, from_draft, without_link
    from .safe import undraft

    prepared = prepare(root, today=today, clock=clock, edits=False)
    action = next((a for a in prepared.result.agenda.actions if a.id == ident), None)
    if action is None:
        raise VaultfuError(f"no open follow-up has the id {ident!r}; see `vaultfu done`")
    note = next(n for n in prepared.loaded.interviews if n.path == action.note)
    mark = next((m for m in note.drafts if m.id == ident), None)
    if mark is None:
        raise VaultfuError(f"{action.note}: no draft for {ident} yet; `vaultfu draft` writes it")
    snap = vault.read(prepared.root, action.note)
    section = draft_lines(decode(snap.data or b"", action.note), mark)
    message = from_draft(undraft(without_link(section)))
    if message is None:
        where = f"{action.note}:{mark.start}"
        raise VaultfuError(f"{where}: the draft for {ident} is not an email (no To: and Subject:)")
    me = prepared.config.mail.me
    sender = formataddr((prepared.config.user_name or "", me[0])) if me else ""
    data = eml(message, ident=ident, sender=sender, when=time.time())
    return vault.write_outbox(prepared.root, f"{ident}.eml", data), message.to


def mail_request(prepared: Prepared) -> tuple[Request, int]:
    """Read the mailbox and decide what it teaches, from a planned run (`edits=False`): the
    follow-ups to tick, the lines to add, the problems met; and how many messages were read."""
    from .inbox import learn
    from .mail import read

    settings = prepared.config.mail
    day = prepared.result.agenda.today
    mails, problems = read(settings, since=day - dt.timedelta(days=settings.days))
    loaded = prepared.loaded
    interviews = tuple(resolve_people(prepared.root, loaded, loaded.interviews))
    subjects = _draft_subjects(prepared.root, interviews)
    learned = learn(mails, interviews, prepared.result.agenda.actions, settings.me, subjects)
    request = Request(done=learned.done, mail_lines=learned.lines, problems=tuple(problems))
    return request, len(mails)


def _draft_subjects(root: Path, interviews: tuple[Interview, ...]) -> dict[str, str]:
    """The `Subject:` of each email draft in the notes, as it stands now, by follow-up id."""
    from .message import from_draft, without_link
    from .safe import undraft

    found = {}
    for note in interviews:
        if not note.drafts:
            continue
        try:
            text = decode(vault.read(root, note.path).data or b"", note.path)
        except (OSError, NoteError):
            continue
        for mark in note.drafts:
            message = from_draft(undraft(without_link(draft_lines(text, mark))))
            if message is not None:
                found[mark.id] = message.subject
    return found


def mail(root: Path, *, today: dt.date | None, clock: dt.date) -> tuple[RunResult, int]:
    """`vaultfu mail`: read the mailbox (read-only), tick the follow-ups the user's sent mail
    did, write what they replied into the notes, then plan the agenda with it. Returns the
    agenda's run and how many messages were read."""
    from . import engine
    from .errors import VaultfuError

    root = vault.open_vault(root)
    if not vault.read_config(root).mail.configured:
        raise VaultfuError(
            ".vaultfu.toml has no mailbox: add a [mail] table with maildir, mbox or imap_host"
        )
    request, count = mail_request(prepare(root, today=today, clock=clock, edits=False))
    if request.done or request.mail_lines:
        engine.run(root, today=today, clock=clock, write=True, request=request)
    again = Request(problems=request.problems)  # the agenda, from the notes as they are now
    return engine.run(root, today=today, clock=clock, write=True, request=again), count


def closed_task(root: Path, ident: str, *, today: dt.date | None, clock: dt.date) -> str | None:
    """What a follow-up that is not open became: "vf-… was already done on Tue 24 Nov (…)"."""
    from .agenda import fmt_day
    from .model import TaskStatus

    prepared = prepare(root, today=today, clock=clock, edits=False)
    for note in prepared.loaded.interviews:
        for task in note.tasks:
            if task.id != ident:
                continue
            where = f"{note.path} line {task.line}"
            if task.status is TaskStatus.DONE:
                on = f" on {fmt_day(task.done)}" if task.done else ""
                return f"{ident} was already done{on} ({where})"
            if task.status is TaskStatus.CANCELLED:
                on = f" on {fmt_day(task.cancelled)}" if task.cancelled else ""
                return f"{ident} was cancelled{on} ({where})"
            return f"{ident} is not open ({where})"
    return None
