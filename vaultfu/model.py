"""The model: frozen values that every other module passes around. No I/O, no presentation.

msgspec Structs, not dataclasses: a frozen dataclass is built field by field through
`object.__setattr__`, ten times slower, and a vault makes tens of thousands of them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from enum import Enum

import msgspec


class Status(Enum):
    SCHEDULED = "scheduled"
    WAITING = "waiting"
    NEXT_ROUND = "next-round"
    OFFER = "offer"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"

    @property
    def pending(self) -> bool:
        """No decision yet: the company still owes an answer."""
        return self in (Status.SCHEDULED, Status.WAITING, Status.NEXT_ROUND)

    @property
    def decided(self) -> bool:
        return self in (Status.OFFER, Status.REJECTED, Status.ACCEPTED, Status.DECLINED)


class Kind(Enum):
    PREPARE = "prepare"
    THANK_YOU_EMAIL = "thank-you-email"
    THANK_YOU_NOTE = "thank-you-note"
    NOTIFY_REFERENCES = "notify-references"
    STATUS_CHECK = "status-check"
    STATUS_CHECK_2 = "status-check-2"
    MOVE_ON = "move-on"
    COMPETING_OFFER = "competing-offer"
    OFFER_RESPONSE = "offer-response"
    REJECTION_THANK_YOU = "rejection-thank-you"
    CONNECT = "connect"
    KEEP_IN_TOUCH = "keep-in-touch"
    WITHDRAW = "withdraw"
    TASK = "task"

    @property
    def sends_message(self) -> bool:
        """Kinds whose action is a message to someone, and so get a draft."""
        return self not in (Kind.PREPARE, Kind.MOVE_ON, Kind.TASK)


class Channel(Enum):
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    LINKEDIN = "linkedin"
    IN_PERSON = "in person"
    VIDEO = "video"
    NONE = "none"


class TaskStatus(Enum):
    OPEN = " "
    DONE = "x"
    CANCELLED = "-"


class State(Enum):
    OVERDUE = "overdue"
    TODAY = "today"
    UPCOMING = "upcoming"


class Person(msgspec.Struct, frozen=True, omit_defaults=True):
    name: str
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    linkedin: str | None = None
    link: str | None = None  # the note name when given as "[[Person note]]"
    topics: tuple[str, ...] = ()  # what you talked about with this person

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


class Task(msgspec.Struct, frozen=True, omit_defaults=True):
    """One Obsidian-Tasks-style checklist line."""

    line: int  # 1-based line in the file
    status: TaskStatus
    description: str  # the text without the trailing emoji fields
    due: dt.date | None = None
    scheduled: dt.date | None = None
    start: dt.date | None = None
    done: dt.date | None = None
    cancelled: dt.date | None = None
    id: str | None = None
    text: str = ""  # the words before the fields (the description without its trailing tags)
    recurs: bool = False  # a 🔁 rule: done, the Tasks plugin adds its next occurrence

    @property
    def is_vaultfu(self) -> bool:
        return self.id is not None and self.id.startswith("vf-")


class DraftMark(msgspec.Struct, frozen=True, omit_defaults=True):
    """A draft section vaultfu wrote, found by the mark it keeps on the section's last line."""

    id: str  # the follow-up's id
    due: dt.date  # its due date when the draft was written
    facts: str  # a hash of what the draft was rendered from
    start: int  # the file line of the section's `## Draft` heading
    end: int  # the file line of the mark
    intact: bool  # the section is still exactly what vaultfu wrote
    heading: str  # the heading's text, without `## `


class Heard(Enum):
    """What a message learned from the mailbox was (the word in its line's mark)."""

    SENT = "sent"  # the user's own, which did a follow-up
    REPLY = "reply"  # from them
    OFFER = "offer"  # from them, and it reads like an offer
    REJECTED = "rejected"  # … like a rejection
    NEXT_ROUND = "next-round"  # … like an invitation to another interview

    @property
    def from_them(self) -> bool:
        return self is not Heard.SENT

    @property
    def reads_like(self) -> str:
        return {"offer": "an offer", "rejected": "a rejection"}.get(self.value, "another round")


class MailLine(msgspec.Struct, frozen=True, omit_defaults=True):
    """A line vaultfu wrote from the mailbox into a note's `## Follow-ups`: a date, who,
    the subject (never the body), and its mark (`%% vaultfu mail HASH WORD %%`)."""

    hash: str  # of the message's Message-ID: the same mail is never written twice
    day: dt.date
    heard: Heard
    who: str
    subject: str
    line: int


class Reply(msgspec.Struct, frozen=True, omit_defaults=True):
    """A message from them on the agenda, with the command that records what it says."""

    note: str
    company: str
    line: MailLine
    command: str  # `vaultfu set …` when it reads like a decision the note does not have yet


class Problem(msgspec.Struct, frozen=True, omit_defaults=True):
    path: str
    line: int | None
    message: str
    # an interview note refused for one of its values, whose application still reads: vaultfu
    # writes nothing into that application's notes until it reads again
    application: str | None = None
    # vaultfu's ids on the task lines of a note refused: no other line is written with them
    ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class Interview(msgspec.Struct, frozen=True, omit_defaults=True):
    """The facts of one interview note, validated."""

    path: str  # relative to the vault, with "/"
    company: str
    role: str
    date: dt.datetime | None
    status: Status
    round: str | None = None
    format: str | None = None  # phone | video | onsite
    final_round: bool = False
    interviewers: tuple[Person, ...] = ()
    references: tuple[Person, ...] = ()
    decision_by: dt.date | None = None
    follow_up_on: dt.date | None = None
    contact: str = "email"  # email | phone | either
    no_calls: bool = False
    status_date: dt.date | None = None
    offer_deadline: dt.date | None = None
    priority: int | None = None
    topics: tuple[str, ...] = ()
    connect: bool = False
    keep_in_touch: bool = False
    thank_you_note: bool | None = None  # None: follow the config
    application: str | None = None
    tasks: tuple[Task, ...] = ()
    status_date_line: int | None = None  # where `status_date` is written, for messages
    drafts: tuple[DraftMark, ...] = ()  # the draft sections vaultfu wrote, by their marks
    mail: tuple[MailLine, ...] = ()  # what vaultfu learned from the mailbox

    @property
    def name(self) -> str:
        """The note's name as Obsidian links it: the file name without `.md`."""
        base = self.path.rsplit("/", 1)[-1]
        return base[:-3] if base.lower().endswith(".md") else base

    @property
    def day(self) -> dt.date | None:
        return self.date.date() if self.date else None

    @property
    def application_key(self) -> str:
        return application_key(self.company, self.role, self.application)


def application_key(company: str, role: str, application: str | None) -> str:
    """Which application an interview is of: its `application`, else its company and role."""
    if application:
        return application.strip().casefold()
    return f"{company.strip().casefold()}|{role.strip().casefold()}"


class Application(msgspec.Struct, frozen=True, omit_defaults=True):
    key: str
    notes: tuple[Interview, ...]  # sorted by date, oldest first

    @property
    def latest(self) -> Interview:
        return self.notes[-1]

    @property
    def label(self) -> str:
        latest = self.latest
        return latest.application or f"{latest.company} — {latest.role}"

    @property
    def last_heard(self) -> dt.date | None:
        """The day they last wrote (a reply found in the mailbox)."""
        days = [m.day for n in self.notes for m in n.mail if m.heard.from_them]
        return max(days) if days else None


def group_applications(interviews: Iterable[Interview]) -> tuple[Application, ...]:
    """The interviews by application, each application's oldest first."""
    groups: dict[str, list[Interview]] = defaultdict(list)
    for note in interviews:
        groups[note.application_key].append(note)
    return tuple(
        Application(
            key=key,
            notes=tuple(
                sorted(notes, key=lambda n: (n.date or dt.datetime.min, n.path.casefold()))
            ),
        )
        for key, notes in sorted(groups.items())
    )


class Action(msgspec.Struct, frozen=True, omit_defaults=True):
    id: str
    kind: Kind
    note: str  # path of the note it belongs to
    application: str  # the application's label
    company: str
    role: str
    due: dt.date
    channel: Channel
    text: str
    person: Person | None = None
    done: dt.date | None = None
    values: tuple[tuple[str, str], ...] = ()  # more for its draft (the other offer, …)
    put_off: dt.date | None = None  # the user moved its line's 📅 to this day: written as ⏳

    def state(self, today: dt.date) -> State:
        if self.due < today:
            return State.OVERDUE
        if self.due == today:
            return State.TODAY
        return State.UPCOMING

    def days_late(self, today: dt.date) -> int:
        return max(0, (today - self.due).days)


class Waiting(msgspec.Struct, frozen=True, omit_defaults=True):
    application: str
    note: str
    company: str
    owes: str  # what they owe: "a decision"
    by: dt.date | None  # the date they named, if any


Copies = frozenset[tuple[str, str]]  # (a note's path, the id of a line there that is a copy)


class Plan(msgspec.Struct, frozen=True, omit_defaults=True):
    """What the playbook asks for (see `playbook.plan`)."""

    actions: tuple[Action, ...]  # everything that applies, done or open, sorted
    waiting: tuple[Waiting, ...]
    problems: tuple[Problem, ...] = ()  # facts that contradict what the notes say was done
    closed: frozenset[str] = frozenset()  # applications the user closed by ticking "move on"
    copies: Copies = frozenset()  # lines a duplicated note holds: left alone (`ids.copies`)
    applications: tuple[Application, ...] = ()  # the notes by application, as planned

    def open(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.done is None)


class Agenda(msgspec.Struct, frozen=True, omit_defaults=True):
    today: dt.date
    actions: tuple[Action, ...]  # open actions, sorted by due date
    waiting: tuple[Waiting, ...]
    problems: tuple[Problem, ...]
    held: tuple[tuple[Action, TaskStatus, dt.date], ...] = ()  # ticks no note could take yet
    replies: tuple[Reply, ...] = ()  # what they wrote lately (from `vaultfu mail`)


# ---------------------------------------------------------------------------------------------
# What a run did


class Write(msgspec.Struct, frozen=True, omit_defaults=True):
    rel: str
    before: bytes
    after: bytes

    def diff(self) -> str:
        import difflib

        old = self.before.decode("utf-8", "replace").splitlines(keepends=True)
        new = self.after.decode("utf-8", "replace").splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, new, f"a/{self.rel}", f"b/{self.rel}"))


class RunResult(msgspec.Struct, frozen=True, omit_defaults=True):
    agenda: Agenda
    agenda_path: str
    region: bytes  # the agenda region written, as UTF-8
    pinned: bool  # the day came from `.vaultfu.toml`
    writes: tuple[Write, ...]  # planned writes (all of them, written or not)
    written: tuple[str, ...]  # what was really written
    drafted: tuple[Action, ...] = ()  # actions that got a new draft this run
    committed: tuple[str, ...] = ()  # what was committed to git (with --commit)
    message: str = ""  # the commit message
    headings: tuple[tuple[str, str], ...] = ()  # (id, heading) of each new draft

    @property
    def agenda_written(self) -> bool:
        return self.agenda_path in self.written

    def heading_of(self, action: Action, usual: str) -> str:
        """The heading the new draft of `action` was given (`usual`, unless it had to differ)."""
        return next((h for i, h in self.headings if i == action.id), usual)
