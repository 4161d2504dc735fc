"""What each action says, and how: the text of its task line and its channel (pure)."""

from __future__ import annotations

import datetime as dt
import functools
import re

from . import safe
from .model import Action, Channel, Interview, Kind, Person, TaskStatus


def channel_for(note: Interview, kind: Kind, person: Person | None) -> Channel:
    """The channel follows `contact` and `no_calls`; a call is never suggested after no_calls."""
    if kind is Kind.PREPARE:
        return interview_channel(note)
    if kind is Kind.THANK_YOU_NOTE:
        return Channel.LETTER
    if kind in (Kind.CONNECT,):
        return Channel.LINKEDIN
    if kind in (Kind.MOVE_ON, Kind.TASK):
        return Channel.NONE
    if kind is Kind.NOTIFY_REFERENCES:
        if person and person.phone and not person.email:
            return Channel.PHONE
        return Channel.EMAIL
    if kind in (Kind.THANK_YOU_EMAIL,):
        return Channel.EMAIL
    if note.contact == "phone" and not note.no_calls:
        return Channel.PHONE
    return Channel.EMAIL  # "either": an email is the less intrusive (seed 001)


_BY_PHONE = ("phone", "call")
_BY_VIDEO = ("video", "zoom", "teams", "meet", "remote", "virtual", "hangout")


def interview_channel(note: Interview) -> Channel:
    """How the interview takes place: `format`, else what the round's name says, else in
    person."""
    if note.format:
        return {"phone": Channel.PHONE, "video": Channel.VIDEO}.get(note.format, Channel.IN_PERSON)
    name = (note.round or "").casefold()
    if any(word in name for word in _BY_PHONE):
        return Channel.PHONE
    if any(word in name for word in _BY_VIDEO):
        return Channel.VIDEO
    return Channel.IN_PERSON


def _fmt(day: dt.date | None) -> str:
    return f"{day:%a} {day.day} {day:%b}" if day else "?"


def _who(person: Person | None, fallback: str) -> str:
    return person.name if person else fallback


def action_text(kind: Kind, note: Interview, person: Person | None, extra: str = "") -> str:
    company, role = note.company, note.role or note.application or ""
    at = f"{company} ({role})" if role else company
    named = note.follow_up_on or note.decision_by
    team = "the hiring team"  # when the note names no one
    match kind:
        case Kind.PREPARE:
            what = f"{note.round} interview" if note.round else "interview"
            cards = (
                "collect every interviewer's card"
                if interview_channel(note) is Channel.IN_PERSON
                else "note every interviewer's name and email"
            )
            return (
                f"Prepare for the {what} at {at}: ask the next step, the timeline and how they "
                f"prefer to be contacted; {cards}"
            )
        case Kind.THANK_YOU_EMAIL:
            return f"Email a thank-you to {_who(person, 'your interviewer')} at {at}"
        case Kind.THANK_YOU_NOTE:
            return (
                f"Mail a handwritten thank-you note to {_who(person, 'your interviewer')} at {at}"
            )
        case Kind.NOTIFY_REFERENCES:
            who = _who(person, "your reference")
            return f"Tell {who} about the interview at {at}; a call may come"
        case Kind.STATUS_CHECK | Kind.STATUS_CHECK_2:
            second = kind is Kind.STATUS_CHECK_2
            ask = (
                "ask if they need anything else from you"
                if note.final_round
                else "ask where the decision stands"
            )
            said = f" (they named {_fmt(named)})" if named else ""
            lead = "Check in a second and last time with" if second else "Follow up with"
            return f"{lead} {_who(person, team)} at {at}{said}: {ask}; look for company news first"
        case Kind.MOVE_ON:
            return (
                f"No answer from {company} after two check-ins: "
                f"close {at} and note what you learned"
            )
        case Kind.COMPETING_OFFER:
            return f"Tell {_who(person, team)} at {at} you have an offer from {extra}"
        case Kind.OFFER_RESPONSE:
            deadline = (
                f" before the deadline, {_fmt(note.offer_deadline)}" if note.offer_deadline else ""
            )
            return f"Answer the offer from {at}{deadline}"
        case Kind.REJECTION_THANK_YOU:
            return f"Thank {_who(person, team)} at {at} for the decision and keep the door open"
        case Kind.CONNECT:
            return f"Connect with {_who(person, 'your interviewer')} of {company} on LinkedIn"
        case Kind.KEEP_IN_TOUCH:
            return f"Keep in touch with {_who(person, team)} at {company}: any new openings?"
        case Kind.WITHDRAW:
            return (
                f"Withdraw from {at}: tell {_who(person, team)} you accepted an offer from "
                f"{extra}, thank them, and keep the door open"
            )
        case Kind.TASK:
            return extra
    raise AssertionError(kind)  # pragma: no cover


def task_words(action: Action, draft: str | None) -> str:
    """The words of vaultfu's task line for an action: what to do, how, and its draft."""
    parts = [safe.text(action.text)]
    if action.channel.value != "none":
        parts.append(action.channel.value)
    if draft:
        parts.append(f"[[#{draft}|draft]]")
    return " · ".join(parts)


def with_filter(words: str, tasks_filter: str, tags: str = "") -> str:
    """The words of a task line in a note with the Tasks plugin's global filter in front, as
    the plugin's own edit dialog adds it, when neither they nor the line's trailing `tags`
    hold it: only a line that holds it is a task to the plugin (its queries, its toggle)."""
    if not tasks_filter or tasks_filter in words or tasks_filter in tags:
        return words
    return f"{tasks_filter} {words}"


def without_filter(words: str, tasks_filter: str) -> str:
    """The words without the global filter where it stands as a word (as the plugin takes it
    from a task's description): vaultfu's words as the agenda shows them."""
    if not tasks_filter or tasks_filter not in words:
        return words
    return _as_word(tasks_filter).sub("", words).strip(" \t")


@functools.lru_cache(maxsize=4)
def _as_word(tasks_filter: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^|[ \t]){re.escape(tasks_filter)}(?=[ \t]|$)")


def note_task_line(
    action: Action,
    draft: str | None,
    closed: tuple[TaskStatus, dt.date] | None = None,
    tasks_filter: str = "",
) -> str:
    """The task line vaultfu writes into an interview note (`closed`: ticked or cancelled, on
    a day, as the Tasks plugin marks it; `tasks_filter`: the plugin's global filter)."""
    box, stamp = " ", ""
    if closed is not None:
        status, day = closed
        box, emoji = ("x", "✅") if status is TaskStatus.DONE else ("-", "❌")
        stamp = f" {emoji} {day.isoformat()}"
    words = with_filter(task_words(action, draft), tasks_filter)
    return f"- [{box}] {words} 📅 {action.due.isoformat()} 🆔 {action.id}{stamp}"
