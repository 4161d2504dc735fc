"""Action → ready-to-edit draft text, from a Jinja2 template in a sandbox (pure).

A value the note does not give shows as a visible `[placeholder]`, never as `None` or a gap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import safe
from .agenda import fmt_day
from .body import draft_mark, section_hash
from .message import from_draft, link_line
from .model import Action, DraftMark, Interview, Kind, Person

KIND_LABEL = {
    Kind.THANK_YOU_EMAIL: "thank-you email",
    Kind.THANK_YOU_NOTE: "handwritten thank-you note",
    Kind.NOTIFY_REFERENCES: "reference heads-up",
    Kind.STATUS_CHECK: "status check",
    Kind.STATUS_CHECK_2: "second status check",
    Kind.COMPETING_OFFER: "competing offer",
    Kind.OFFER_RESPONSE: "offer answer",
    Kind.REJECTION_THANK_YOU: "thank-you after the decision",
    Kind.CONNECT: "LinkedIn invitation",
    Kind.KEEP_IN_TOUCH: "keep in touch",
    Kind.WITHDRAW: "withdrawal",
}


class DraftError(ValueError):
    """A template that cannot be rendered (a user's template with a mistake)."""


if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment


MAX_OUTPUT = 200_000  # characters a draft may have
MAX_RANGE = 10_000  # items one `range()` may give
MAX_STEPS = 1_000_000  # loop steps over ranges, in all, per draft
MAX_SECONDS = 2.0  # per draft
_BUSY_METHODS = {"format", "format_map", "center", "ljust", "rjust", "zfill", "expandtabs"}
_WIDTH = re.compile(r"%[^a-zA-Z%]*?\d{5,}")


class _Budget(threading.local):
    steps = 0
    deadline = 0.0


_budget = _Budget()


def _spend(steps: int = 1) -> None:
    from jinja2.exceptions import SecurityError

    _budget.steps -= steps
    if _budget.steps < 0:
        raise SecurityError("the template loops too much (over a million steps)")
    if _budget.steps % 4096 == 0 and time.monotonic() > _budget.deadline:
        raise SecurityError(f"the template took over {MAX_SECONDS:g} s")


def _range(*args: int) -> Iterator[int]:
    from jinja2.exceptions import SecurityError

    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() may give at most {MAX_RANGE:,} items")
    for number in numbers:
        _spend()
        yield number


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    """Jinja2's sandbox, imported only when a draft is rendered. No loader: a template cannot
    include or import files; the sandbox blocks Python internals. The sandbox alone does not
    bound time or memory, so this one also caps `range()`, the loop steps, the time, repeated
    strings, powers and padded formats, and the output (`render` counts it as it comes)."""
    from jinja2 import Undefined
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    class Placeholder(Undefined):
        """An unknown name in a template renders as `[name]`, visible, never empty."""

        def __str__(self) -> str:
            if self._undefined_hint is not None:  # the sandbox refused something: say so
                self._fail_with_undefined_error()
            return f"[{self._undefined_name or 'missing'}]"

    class Limited(SandboxedEnvironment):
        intercepted_binops = frozenset(["*", "**", "%"])

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                    if sized and len(seq) * times > MAX_OUTPUT:
                        raise SecurityError("the template repeats a text too many times")
            elif operator == "**":
                if isinstance(right, int | float) and abs(right) > 64:
                    raise SecurityError("the template raises to too high a power")
            elif operator == "%" and isinstance(left, str) and _WIDTH.search(left):
                raise SecurityError("the template pads a text too widely")
            return super().call_binop(context, operator, left, right)

        def wrap_str_format(self, value: Any) -> Any:
            if super().wrap_str_format(value) is None:
                return None

            def refused(*args: Any, **kwargs: Any) -> str:
                raise SecurityError("str.format() is not allowed in a template; use {{ … }}")

            return refused

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            if isinstance(obj, str) and attr in _BUSY_METHODS:
                return False
            return bool(super().is_safe_attribute(obj, attr, value))

    environment = Limited(undefined=Placeholder, autoescape=False)
    environment.globals.pop("lipsum", None)
    environment.globals["range"] = _range
    return environment


def _long(day: dt.date | None, placeholder: str) -> str:
    return f"{day:%A} {day.day} {day:%B}" if day else f"[{placeholder}]"


def heading(action: Action) -> str:
    """The draft section's heading: unique in its note, and linkable as `[[#…]]`."""
    who = f" to {action.person.name}" if action.person else ""
    return safe.heading(
        f"Draft — {KIND_LABEL[action.kind]}{who} ({action.due.day} {action.due:%b})"
    )


def unique_heading(action: Action, others: Iterable[str]) -> str:
    """The heading of a draft section about to be written into a note whose other draft
    sections have the headings `others`: `heading(action)`, or, when one of them has it
    already (a fresh draft asked for below the one it supersedes, `vaultfu draft --force`; a
    copy of another note's draft), that heading with the first free `, version N`: Obsidian
    takes a link to a heading for the first heading of that text in the note, and the task
    line's link must take the user to this draft."""
    base, taken = heading(action), set(others)
    if base not in taken:
        return base
    number = 2
    while f"{base}, version {number}" in taken:
        number += 1
    return f"{base}, version {number}"


_DRAFT_LINK = re.compile(r"\[\[#([^\]|]+)\|draft\]\]")


def linked_draft(words: str) -> str | None:
    """The heading of the draft a task line's words link to (`[[#Draft — …|draft]]`), if any."""
    found = _DRAFT_LINK.search(words)
    return found.group(1) if found else None


def refreshed_words(text: str, words: str, draft: str | None, shown: str | None) -> str:
    """The words to write on vaultfu's open task line whose words are `text`, now that vaultfu
    would write `words`: those while `text` is what vaultfu last wrote, as the agenda showed it
    (`shown`: vaultfu's words without their draft link); else `text` is the user's and stays,
    only its draft link brought to the heading of a draft written anew (`draft`). With no
    agenda line to tell (`shown` None: the agenda note deleted), `text` stays too: words left
    as they were, never the user's words lost."""
    if shown is not None and _DRAFT_LINK.sub("", text).removesuffix(" · ") == shown:
        return words
    if draft is None:
        return text
    return _DRAFT_LINK.sub(lambda _: f"[[#{draft}|draft]]", text, count=1)


def to_them(topic: str) -> str:
    """A topic as the user wrote it, said to the company: "their migration" → "your migration"."""
    words = topic.split(" ", 1)
    swap = {"their": "your", "Their": "Your", "they": "you", "They": "You"}
    return " ".join([swap.get(words[0], words[0]), *words[1:]])


def context(action: Action, note: Interview, user_name: str | None) -> dict[str, Any]:
    person = action.person
    team = f"{note.company} team" if note.company else "[first name]"
    people = list(note.interviewers)
    variant = people.index(person) if person in people else 0
    said = (person.topics if person else ()) or note.topics
    if person and person.topics:
        topic = person.topics[0]  # what the note says about this interviewer
    else:  # one topic each, in turn, when the note names several for the panel
        topic = note.topics[variant % len(note.topics)] if note.topics else ""
    callers = " or ".join(f"{p.name} ({p.phone})" if p.phone else p.name for p in people)
    values = {
        "kind": action.kind.value,
        "channel": action.channel.value,
        "person_name": person.name if person else "the hiring team",
        "first_name": person.first_name if person else team,
        "email": (person.email if person else None) or "[email]",
        "phone": (person.phone if person else None) or "[phone]",
        "title": (person.title if person else None) or "[title]",
        "company": note.company or "[company]",
        "role": note.role or "[role]",
        "round": note.round or "[round]",
        "final_round": note.final_round,
        "interview_day": _long(note.day, "interview day"),
        "interview_date": note.day.isoformat() if note.day else "[interview date]",
        "topic": to_them(topic) if topic else "[something you discussed]",
        "topic_as_written": topic or "[something you discussed]",
        "topics": list(said),
        "variant": variant,
        "interviewers": " or ".join(p.name for p in people) if people else "the hiring team",
        "callers": callers or "the hiring team",
        "decision_by": _long(note.decision_by, "decision date") if note.decision_by else "",
        "follow_up_on": _long(note.follow_up_on, "date") if note.follow_up_on else "",
        "offer_deadline": _long(note.offer_deadline, "deadline") if note.offer_deadline else "",
        "other_company": "",
        "other_role": "",
        "other_deadline": "",
        "user_name": user_name or "[your name]",
        "due": action.due.isoformat(),
    }
    values.update(action.values)
    return values


@lru_cache(maxsize=64)
def _compile(template: str) -> Template:
    return _environment().from_string(template)


def render(template: str, values: dict[str, Any]) -> str:
    from jinja2 import TemplateError

    _budget.steps, _budget.deadline = MAX_STEPS, time.monotonic() + MAX_SECONDS
    size = 0
    parts = []
    try:
        for part in _compile(template).generate(values):
            size += len(part)
            if size > MAX_OUTPUT:
                raise DraftError(f"the draft would be over {MAX_OUTPUT:,} characters")
            parts.append(part)
            _spend(0)
    except TemplateError as exc:
        raise DraftError(str(exc)) from None
    except RecursionError:
        raise DraftError("template failed: it calls itself without end") from None
    except (ValueError, TypeError, AttributeError, OverflowError, MemoryError) as exc:
        raise DraftError(f"template failed: {exc}") from None
    return "".join(parts).strip("\n")


def facts_hash(action: Action, note: Interview, user_name: str | None) -> str:
    """The facts a draft is written from, in 10 hex digits: when they change, the draft is
    stale. The facts, not the template's values, so that a new vaultfu does not take every
    draft for stale."""

    def who(p: Person | None) -> object:
        return p and (p.name, p.email, p.phone, p.title, p.linkedin, p.topics)

    facts = (
        (action.kind.value, action.due, action.text, action.channel.value, who(action.person)),
        action.values,
        (note.company, note.role, note.date, note.round, note.format, note.final_round),
        (note.decision_by, note.follow_up_on, note.offer_deadline, note.topics),
        tuple(who(p) for p in note.interviewers),
        user_name,
    )
    return _digest(facts)


@lru_cache(maxsize=65536)
def _digest(facts: tuple[object, ...]) -> str:
    """(Kept between the watcher's cycles, where the same facts come back on every save.)"""
    text = json.dumps(facts, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def draft_section(
    action: Action,
    note: Interview,
    template: str,
    user_name: str | None,
    title: str | None = None,
) -> str:
    """The section appended to the note: a heading, the rendered message (an email's with a
    `mailto:` link), and vaultfu's mark (`\\n` lines). The mark (an Obsidian comment, hidden in
    reading view) says which follow-up the draft is for, its due date, what it was rendered
    from, and a hash of the section as written: while the section still matches it, vaultfu may
    bring it up to date; once the user edits it, never again. `title`: its heading, when it is
    not `heading(action)` (see `unique_heading`)."""
    values = context(action, note, user_name)
    text = render(template, values)
    section = f"### {title or heading(action)}\n\n{safe.draft(text)}"
    message = from_draft(text)
    if message is not None:  # an email: one click opens it in the mail app
        section += f"\n\n{link_line(message)}"
    mark = draft_mark(
        action.id, action.due, facts_hash(action, note, user_name), section_hash(section)
    )
    return f"{section}\n{mark}\n"


def stale(mark: DraftMark, action: Action, note: Interview) -> str:
    """Why an edited draft is out of date, in the words of the fact that changed."""
    if action.kind is Kind.OFFER_RESPONSE and note.offer_deadline:
        why = f"the deadline is now {fmt_day(note.offer_deadline)}"
    elif action.due != mark.due:
        why = f"it is now due {fmt_day(action.due)}, not {fmt_day(mark.due)}"
    else:
        why = "the facts it was written from changed (a name, an address, a date)"
    return (
        f"your edited draft '{mark.heading}' is out of date: {why}; vaultfu leaves your "
        "edits alone (`vaultfu draft NOTE --force` writes a fresh one below it)"
    )
