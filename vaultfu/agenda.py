"""Actions → the agenda region's Markdown, and the `--json` shape; the boxes ticked in the
region (pure)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from . import safe
from .body import DEFAULT_STATUSES, Statuses, parse_structure
from .edits import region_of
from .front import decode
from .model import Action, Agenda, Channel, Kind, State, TaskStatus

SECTIONS = ("Overdue", "Today", "Next 7 days", "Later")


def section_of(action: Action, today: dt.date) -> str:
    if action.due < today:
        return "Overdue"
    if action.due == today:
        return "Today"
    if action.due <= today + dt.timedelta(days=7):
        return "Next 7 days"
    return "Later"


def late_text(action: Action, today: dt.date) -> str:
    late = action.days_late(today)
    return f"{late} d. late" if late else ""


def fmt_day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def task_line(action: Action, today: dt.date, link: str, dates: bool = False) -> str:
    """One agenda line: text, link, channel, lateness, the due day, and 🆔 last. The note's own
    line is the follow-up's Tasks-plugin task, with its 📅; the agenda line shows the day as text
    (`due 2026-11-24`) so that a vault-wide Tasks query lists each follow-up once. With `dates`
    (`agenda_dates = true`) it carries 📅 too. vaultfu's words are made safe (`safe.text`); a
    task you wrote keeps its own markup."""
    words = action.text if action.kind is Kind.TASK else safe.text(action.text)
    line = f"- [ ] {words} · {safe.note_link(link, action.note)}"
    if action.channel is not Channel.NONE:
        line += f" · {action.channel.value}"
    late = (today - action.due).days
    if late > 0:
        line += f" · {late} d. late"
    if dates:
        return f"{line} 📅 {action.due.isoformat()} 🆔 {action.id}"
    return f"{line} · due {action.due.isoformat()} 🆔 {action.id}"


# The watcher's agenda lines of the last cycle, by action (`id`: the action is kept with its
# line, so its id is not reused): an action planned again is the same object while its
# application did not change (see `memo`), and its line is not rendered again.
Lines = dict[int, tuple[Action, str, dt.date, bool, str]]  # (action, link, today, dates, line)


def region_bytes(
    agenda: Agenda,
    link: Callable[[str], str],
    chart: str = "",
    dates: bool = False,
    memo: Lines | None = None,
) -> bytes:
    """The Markdown between the agenda's markers, as UTF-8: same agenda, same bytes. Encoded
    line by line, never one long string (a 75,000-line region with emoji would be 46 MB).
    `memo`: the lines rendered last time (the watcher's), replaced by this time's."""
    lines = region_lines(agenda, link, chart, dates, memo)
    return b"\n".join(line.encode("utf-8") for line in lines)


def region_lines(
    agenda: Agenda,
    link: Callable[[str], str],
    chart: str = "",
    dates: bool = False,
    memo: Lines | None = None,
) -> list[str]:
    """The lines of the region."""
    today = agenda.today
    fresh: Lines = {}

    def line_of(action: Action) -> str:
        where = link(action.note)
        if memo is None:
            return task_line(action, today, where, dates)
        known = memo.get(id(action))
        if known and known[0] is action and known[1:4] == (where, today, dates):
            fresh[id(action)] = known
            return known[4]
        line = task_line(action, today, where, dates)
        fresh[id(action)] = (action, where, today, dates, line)
        return line

    groups: dict[str, list[Action]] = {name: [] for name in SECTIONS}
    for action in agenda.actions:
        groups[section_of(action, today)].append(action)
    counts = ", ".join(
        f"{len(groups[name])} {name.lower()}" for name in ("Overdue", "Today") if groups[name]
    )
    lines = [
        f"*Follow-ups for {today:%A} {today.day} {today:%B %Y}"
        + (f": {counts}.*" if counts else ".*")
    ]
    for name in SECTIONS:
        if groups[name]:
            lines += ["", f"## {name}"]
            lines += [line_of(a) for a in groups[name]]
    if not agenda.actions:
        lines += ["", "Nothing to do. Enjoy the quiet."]
    if agenda.held:
        lines += ["", "## Ticked, not yet in its note (see Problems)"]
        for action, status, day in agenda.held:
            box, emoji = ("x", "✅") if status is TaskStatus.DONE else ("-", "❌")
            line = task_line(action, today, link(action.note), dates)
            line = line.replace("- [ ]", f"- [{box}]", 1)
            lines.append(f"{line} {emoji} {day.isoformat()}")
    if agenda.replies:
        lines += ["", "## They wrote"]
        for r in agenda.replies:
            m = r.line
            where = safe.note_link(link(r.note), r.note)
            lines.append(f"- {fmt_day(m.day)} · {m.who} replied: {m.subject} · {where}")
            if r.command:
                lines.append(f"    - reads like {m.heard.reads_like}: `{r.command}`")
    if memo is not None:
        memo.clear()
        memo.update(fresh)
    if agenda.waiting:
        lines += ["", "## Waiting on them"]
        for w in agenda.waiting:
            by = f" by {fmt_day(w.by)}" if w.by else ", no date given"
            where = safe.note_link(link(w.note), w.note)
            lines.append(f"- {safe.text(w.application)} · {where} · they owe you {w.owes}{by}")
    if chart:
        lines += ["", "## Pipeline", chart]
    if agenda.problems:
        lines += ["", "## Problems"]
        for p in agenda.problems:
            path = p.path.replace("%%", "% %")
            where = f"`{path}` line {p.line}" if p.line else f"`{path}`"
            lines.append(f"- {where}: {safe.text(p.message)}")
    return lines


# the enums' values, looked up (`Enum.value` is a descriptor call: the all-interviews bench
# vault's agenda has 14,836 actions)
_VALUES: dict[Any, str] = {
    member: member.value for kind in (Kind, Channel, State) for member in kind
}


def action_json(action: Action, today: dt.date) -> dict[str, Any]:
    person = action.person
    return {
        "id": action.id,
        "kind": _VALUES[action.kind],
        "note": action.note,
        "application": action.application,
        "company": action.company,
        "role": action.role,
        "person": person.name if person else None,
        "email": person.email if person else None,
        "channel": _VALUES[action.channel],
        "due": action.due.isoformat(),
        "state": _VALUES[action.state(today)],
        "days_late": action.days_late(today),
        "text": action.text,
    }


def agenda_json(agenda: Agenda, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The documented `--json` shape. Keep it stable."""
    return {
        "today": agenda.today.isoformat(),
        "actions": [action_json(a, agenda.today) for a in agenda.actions],
        "waiting": [
            {
                "application": w.application,
                "note": w.note,
                "company": w.company,
                "owes": w.owes,
                "by": w.by.isoformat() if w.by else None,
            }
            for w in agenda.waiting
        ],
        "replies": [
            {
                "note": r.note,
                "company": r.company,
                "day": r.line.day.isoformat(),
                "who": r.line.who,
                "subject": r.line.subject,
                "reads_like": r.line.heard.value,
                "command": r.command or None,
            }
            for r in agenda.replies
        ],
        "problems": [
            {"path": p.path, "line": p.line, "message": p.message} for p in agenda.problems
        ],
        **(extra or {}),
    }


_SHOWN = re.compile(r"(?:· due |📅 )(\d{4}-\d{2}-\d{2}) 🆔 (vf-[0-9a-f]{10})")


def _lines_holding(region: bytes, ident: str) -> Iterator[str]:
    """The lines of an agenda region (UTF-8) that hold `🆔 ident`, last first: only those are
    decoded."""
    needle = f"🆔 {ident}".encode()
    end = len(region)
    while (at := region.rfind(needle, 0, end)) != -1:
        start = region.rfind(b"\n", 0, at) + 1
        stop = region.find(b"\n", at)
        yield region[start : stop if stop != -1 else len(region)].decode("utf-8")
        end = start


def shown_due(region: bytes, ident: str) -> dt.date | None:
    """The due day an agenda region (UTF-8) showed for one of vaultfu's follow-ups (`due DAY`,
    or `📅 DAY` with `agenda_dates`): that of its last line that shows a real day."""
    for line in _lines_holding(region, ident):
        for day, found in reversed(_SHOWN.findall(line)):
            if found == ident:
                try:
                    return dt.date.fromisoformat(day)
                except ValueError:
                    continue
    return None


_SHOWN_LINE = re.compile(
    r"- \[.\] (?P<rest>.*?)(?: · \d+ d\. late)?"
    r"(?: · due | 📅 )\d{4}-\d{2}-\d{2} 🆔 (?P<id>vf-[0-9a-f]{10})"
)
_CHANNELS = tuple(f" · {c.value}" for c in Channel if c is not Channel.NONE)


def shown_words(region: bytes, ident: str) -> str | None:
    """The words of vaultfu's task line for one follow-up as the agenda region (UTF-8) last
    showed them: `task_words` without a draft link (the text, then the channel; the agenda's
    link to the note, lateness and day taken out). None when no line of the region shows it."""
    for line in _lines_holding(region, ident):
        found = _SHOWN_LINE.fullmatch(line.strip())
        if found and found.group("id") == ident:
            rest = found.group("rest")
            channel = next((c for c in _CHANNELS if rest.endswith(c)), "")
            # the link to the note is the last ` · [` before the channel: its label holds no `[`
            link = rest.rfind(" · [", 0, len(rest) - len(channel))
            if link != -1:
                return rest[:link] + channel
    return None


Ticks = dict[str, tuple[TaskStatus, dt.date]]


@functools.lru_cache(maxsize=8)
def _ticked(symbols: tuple[str, ...]) -> re.Pattern[bytes]:
    """A box whose symbol closes a task (and `X`, which reads as open: a look at it is cheap)."""
    found = b"|".join(re.escape(s.encode("utf-8")) for s in sorted({*symbols, "X"}))
    return re.compile(rb"\[(?:" + found + rb")\]")


def agenda_ticks(
    data: bytes | None, rel: str, today: dt.date, statuses: Statuses = DEFAULT_STATUSES
) -> Ticks:
    """Boxes the user ticked (or cancelled) inside the agenda's region, from the agenda's UTF-8
    bytes (checked, without a BOM): the region is decoded only when a box in it is ticked (by
    `statuses`, the plugin's status table: a symbol that closes a task)."""
    found = region_of(data or b"")
    if not found or not _ticked(tuple(statuses)).search(found):  # vaultfu writes open boxes
        return {}
    region = decode(found, rel)
    ticks: Ticks = {}
    for task in parse_structure(region, 1, rel, statuses).tasks:
        if task.id and task.status is not TaskStatus.OPEN:  # dated as the Tasks plugin dated it
            ticks[task.id] = (task.status, task.done or task.cancelled or today)
    return ticks
