"""What the mailbox says about the search (pure: messages, notes and follow-ups in; ticks and
lines out). Mail the user sent that does an open email follow-up ticks it, dated the day it
was sent; a message from them becomes a line in the application's latest note, and one that
reads like a decision becomes a suggestion with the exact `vaultfu set` command. vaultfu never
changes a status by itself."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import safe as markup
from .body import mail_line
from .message import message_id
from .model import Action, Channel, Heard, Interview, MailLine, Reply, Status

if TYPE_CHECKING:
    from .mail import Mail

# Read in this order, on the message's own words (quoted text left out); English first. One
# table, so that a rule is added in one place.
RULES: tuple[tuple[Heard, tuple[str, ...]], ...] = (
    (
        Heard.REJECTED,
        (
            "not to move forward",
            "not be moving forward",
            "not moving forward",
            "decided to move forward with other",
            "decided to pursue other",
            "decided to proceed with other",
            "regret to inform",
            "position has been filled",
            "not been selected",
            "unfortunately",
        ),
    ),
    (
        Heard.OFFER,
        (
            "pleased to offer",
            "happy to offer",
            "delighted to offer",
            "would like to offer",
            "extend an offer",
            "extend you an offer",
            "offer letter",
            "offer of employment",
            "formal offer",
        ),
    ),
    (
        Heard.NEXT_ROUND,
        (
            "next round",
            "next interview",
            "next stage",
            "final round",
            "onsite interview",
            "on-site interview",
            "invite you to",
            "your availability",
        ),
    ),
)
STATUS_OF = {Heard.OFFER: Status.OFFER, Heard.REJECTED: Status.REJECTED}
STATUS_OF[Heard.NEXT_ROUND] = Status.NEXT_ROUND
WEBMAIL = frozenset(
    {
        *("gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com"),
        *("icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de"),
        *("gmx.net", "fastmail.com", "hey.com", "mail.com", "yandex.com", "zoho.com"),
    }
)
SHOW_DAYS = 14  # a reply stays on the agenda this long
_QUOTE_START = re.compile(r"^(On .+ wrote:|-+ ?Original Message ?-+|From: .+)$", re.IGNORECASE)


def own_words(text: str) -> str:
    """A message's text without what it quotes (`> ` lines, and all below "On … wrote:")."""
    kept = []
    for line in text.splitlines():
        if _QUOTE_START.match(line.strip()):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
    return "\n".join(kept)


def verdict(mail: Mail) -> Heard:
    """What a message from them reads like."""
    words = f"{mail.subject}\n{own_words(mail.text)}".lower()
    for heard, phrases in RULES:
        if any(p in words for p in phrases):
            return heard
    return Heard.REPLY


def safe(text: str, limit: int = 120) -> str:
    """A subject or name on one line of a note: `safe.text`'s rules (no comment, link, tag or
    Dataview field opened by it), at most `limit` characters."""
    text = " ".join(text.split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return markup.text(text)


@dataclass(frozen=True)
class Learned:
    done: dict[str, dt.date] = field(default_factory=dict)  # follow-up id → the day sent
    lines: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # note → lines


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower() if "@" in address else ""


def learn(
    mails: Sequence[Mail],
    interviews: Iterable[Interview],
    actions: Iterable[Action],
    me: Iterable[str],
    subjects: Mapping[str, str] | None = None,
) -> Learned:
    """What the messages teach. `subjects`: each email draft's subject by follow-up id, so
    that a message is matched to the follow-up whose draft it sent."""
    drafted = {i: _plain(s) for i, s in (subjects or {}).items()}
    notes = sorted(interviews, key=lambda n: (n.day or dt.date.min, n.path))
    known = {m.hash for n in notes for m in n.mail}
    people: dict[str, Interview] = {}  # a company address → its application's latest note
    domains: dict[str, Interview] = {}
    for each in notes:  # oldest first: the latest note of each company wins
        for person in each.interviewers:
            if person.email:
                people[person.email.lower()] = each
                if _domain(person.email) not in WEBMAIL:
                    domains[_domain(person.email)] = each
    mine = {a.lower() for a in me}
    todo = sorted(
        (a for a in actions if a.done is None and a.channel is Channel.EMAIL),
        key=lambda a: (a.due, a.id),
    )
    by_reply = {message_id(a.id): a for a in todo}
    done: dict[str, dt.date] = {}
    lines: dict[str, list[tuple[str, str]]] = {}

    references = {p.email.lower() for n in notes for p in n.references if p.email}

    def company_note(address: str) -> Interview | None:
        """The latest note of the company an address belongs to (a reference who works
        elsewhere is not that company)."""
        found = people.get(address)
        return found or (None if address in references else domains.get(_domain(address)))

    for mail in mails:
        if mail.key in known:
            continue
        sent = mail.sender in mine or (
            not mine
            and company_note(mail.sender) is None
            and any(company_note(r) for r in mail.recipients)
        )
        if sent:
            action = next((by_reply[i] for i in mail.answers if i in by_reply), None)
            could = [a for a in todo if a.id not in done and _done_by(a, mail, company_note)]
            same = [a for a in could if drafted.get(a.id) == _plain(mail.subject)]
            action = action or next(iter(same or could), None)
            if action is None or action.id in done:
                continue
            done[action.id] = mail.day
            who = action.person.name if action.person else mail.recipients[0]
            line = mail_line(mail.key, mail.day, Heard.SENT, safe(who), safe(mail.subject))
            where = action.note
        else:
            note: Interview | None = company_note(mail.sender)
            answered = next((by_reply[i] for i in mail.answers if i in by_reply), None)
            if note is None and answered is not None:
                note = next((n for n in notes if n.path == answered.note), None)
            if note is None:
                continue
            who = safe(mail.sender_name or mail.sender)
            line = mail_line(mail.key, mail.day, verdict(mail), who, safe(mail.subject))
            where = note.path
        lines.setdefault(where, []).append((mail.key, line))
        known.add(mail.key)
    return Learned(done, {k: tuple(v) for k, v in lines.items()})


_PREFIX = re.compile(r"^(?:(?:re|fwd?|aw|wg|sv|tr)\s*:\s*)+", re.IGNORECASE)


def _plain(subject: str) -> str:
    """A subject without `Re:`/`Fwd:` and case: what a sent copy of a draft still matches."""
    return " ".join(_PREFIX.sub("", subject.strip()).split()).casefold()


def _done_by(action: Action, mail: Mail, company_note: Callable[[str], Interview | None]) -> bool:
    """A message the user sent does this follow-up: to its person, or (with no address for
    them) to its company, on or after the day it came due."""
    if mail.day < action.due:
        return False
    if action.person is not None and action.person.email:
        return action.person.email.lower() in mail.recipients
    return any((n := company_note(r)) and n.company == action.company for r in mail.recipients)


def recent(interviews: Iterable[Interview], today: dt.date) -> tuple[Reply, ...]:
    """Replies of the last `SHOW_DAYS` days, newest first, each with its suggestion."""
    latest: dict[str, Interview] = {}
    for note in sorted(interviews, key=lambda n: (n.day or dt.date.min, n.path)):
        latest[note.application or f"{note.company}|{note.role}"] = note
    out = []
    for note in latest.values():
        app_lines = [m for m in note.mail if m.heard.from_them]
        for line in app_lines:
            if (today - line.day).days > SHOW_DAYS:
                continue
            out.append(Reply(note.path, note.company, line, _command(note, line)))
    return tuple(sorted(out, key=lambda h: (h.line.day, h.note), reverse=True))


def _command(note: Interview, line: MailLine) -> str:
    status = STATUS_OF.get(line.heard)
    if status is None or note.status is status:
        return ""
    if note.status_date and note.status_date > line.day:
        return ""  # decided since
    return f'vaultfu set "{note.path}" status {status.value} --on {line.day.isoformat()}'
