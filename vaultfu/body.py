"""Read a note's body as Markdown: its headings and its task lines (pure)."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import msgspec

from .front import count_breaks
from .model import DraftMark, Heard, MailLine, Problem, Task, TaskStatus

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    from markdown_it import MarkdownIt  # imported on the first body that needs it

    # Block structure is all vaultfu needs (list items, headings, code): the inline pass, which
    # only fills in children of each inline token, is turned off.
    md = MarkdownIt("commonmark")
    md.core.ruler.disable(["inline", "text_join"])
    return md


_CHECKBOX = re.compile(r"^\[([^\r\n])\](?=[ \t]|$)")

# The Tasks plugin's default status table: `x` done, `-` cancelled, ` ` and `/` (in progress)
# open; any other symbol, `X` included, is an unknown status of type TODO: open.
Statuses = Mapping[str, TaskStatus]  # a box's symbol → its status, when not open
DEFAULT_STATUSES: Statuses = {"x": TaskStatus.DONE, "-": TaskStatus.CANCELLED}
_CLOSING_TYPES = {
    "DONE": TaskStatus.DONE,
    "CANCELLED": TaskStatus.CANCELLED,
    "NON_TASK": TaskStatus.CANCELLED,  # no task to the plugin: nothing to follow up either
}


@lru_cache(maxsize=8)
def status_table(pairs: tuple[tuple[str, str], ...]) -> Statuses:
    """The plugin's status table, (symbol, type) pairs as its settings list them (its core
    statuses, then its custom ones; the first of a symbol counts, as in the plugin's registry),
    as the symbols that close a task; `()`: the default table. `x` and `-`, which vaultfu
    writes, keep their default meaning unless the table gives them another (a table without
    them must not make vaultfu's own ticks and cancellations read as open)."""
    if not pairs:
        return DEFAULT_STATUSES
    table = {"x": "DONE", "-": "CANCELLED"}
    given: dict[str, str] = {}
    for symbol, kind in pairs:
        given.setdefault(symbol, kind)
    table.update(given)
    return {s: _CLOSING_TYPES[k] for s, k in table.items() if k in _CLOSING_TYPES}


def _field(symbols: str, value: str = "") -> re.Pattern[str]:
    """One field as the Tasks plugin reads it: its emoji (with an optional variation selector),
    its value, at the very end of what is left of the line."""
    return re.compile(f"(?:{symbols})\ufe0f?" + (f" *({value})" if value else "") + r"\Z")


_DATE = r"\d{4}-\d{2}-\d{2}"
_TASK_ID = r"[a-zA-Z0-9_-]+"
# In the order the Tasks plugin's DefaultTaskSerializer tries them, from the end of the line,
# again and again until none matches (so fields and trailing tags may come in any order).
_FIELD_SYMBOLS: tuple[tuple[str, str, str], ...] = (
    ("priority", "🔺|⏫|🔼|🔽|⏬", ""),
    ("done", "✅", _DATE),
    ("cancelled", "❌", _DATE),
    ("due", "📅|📆|🗓", _DATE),
    ("scheduled", "⏳|⌛", _DATE),
    ("start", "🛫", _DATE),
    ("created", "➕", _DATE),
    ("recurrence", "🔁", r"[a-zA-Z0-9, !]+"),
    ("on_completion", "🏁", r"[a-zA-Z]+"),
    ("tag", "#", ""),
    ("id", "🆔", _TASK_ID),
    ("depends_on", "⛔", f"{_TASK_ID}(?: *, *{_TASK_ID} *)*"),
)
_TAG = re.compile(r'(?:^|(?<=\s))#[^ !@#$%^&*(),.?":{}|<>]+\Z')
_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, _TAG if name == "tag" else _field(symbols, value))
    for name, symbols, value in _FIELD_SYMBOLS
)
# The characters one of which a field's match must hold (its emoji; `#` for a tag): a field none
# of whose characters is on the line cannot match there, and its pattern is not tried.
_NEEDS = {name: frozenset(symbols.split("|")) for name, symbols, _ in _FIELD_SYMBOLS}
_SYMBOLS = tuple(sorted({s for n in _NEEDS.values() for s in n}))
_BLOCK_LINK = re.compile(r" \^[a-zA-Z0-9-]+\Z")
_DATES = {"done", "cancelled", "due", "scheduled", "start"}


class TaskText(msgspec.Struct, frozen=True):
    """The text after a task's checkbox, read as the Tasks plugin reads it, with where each
    part sits in that text (so that vaultfu can change one part and keep the others)."""

    description: str  # without the fields; trailing tags put back, as the plugin does
    text_end: int  # where the text before the fields ends
    fields: dict[str, tuple[str, int, int]]  # name → (value, start, end), the leftmost of each
    tags: tuple[tuple[int, int], ...] = ()  # tags read among the fields


def split_task(rest: str) -> TaskText:
    """Split the text after `[ ]` into its description and its fields."""
    end = len(rest.rstrip())
    fields: dict[str, tuple[str, int, int]] = {}
    tags: list[tuple[int, int]] = []
    link = _BLOCK_LINK.search(rest, 0, end) if "^" in rest else None
    if link:
        fields["block_link"] = (link.group(0).strip(), link.start() + 1, link.end())
        end = len(rest[: link.start()].rstrip())
    present = {symbol for symbol in _SYMBOLS if symbol in rest}
    tried = [(n, p, _NEEDS[n] & present) for n, p in _FIELDS if not _NEEDS[n].isdisjoint(present)]
    for _ in range(21 if tried else 0):  # the plugin's own bound on the passes
        matched = False
        for name, pattern, symbols in tried:
            # a field's match starts at one of its symbols, which its value cannot hold: at the
            # last of them before `end`, the only place a search from the start could find it
            at = -1
            for symbol in symbols:
                at = max(at, rest.rfind(symbol, 0, end))
            found = pattern.match(rest, at, end) if at != -1 else None
            if not found:
                continue
            matched = True
            if name == "tag":
                tags.insert(0, (found.start(), found.end()))
            else:
                group = 1 if pattern.groups else 0
                fields[name] = (found.group(group).strip(), found.start(group), found.end(group))
            end = len(rest[: found.start()].rstrip())
        if not matched:
            break
    text = rest[:end].strip()
    trailing = " ".join(rest[a:b] for a, b in tags)
    description = f"{text} {trailing}" if text and trailing else text or trailing
    return TaskText(description, end, fields, tuple(tags))


class Heading(msgspec.Struct, frozen=True):
    level: int
    title: str
    line: int  # 1-based file line
    end: int  # the file line after the heading (a setext heading spans two lines)


class Structure(msgspec.Struct, frozen=True):
    tasks: tuple[Task, ...]
    headings: tuple[Heading, ...]
    problems: tuple[Problem, ...]


def parse_task_text(
    text: str, line: int, path: str, statuses: Statuses = DEFAULT_STATUSES
) -> tuple[Task | None, Problem | None]:
    """One list item's first line (after `- `) to a Task, or None when it is no task."""
    box = _CHECKBOX.match(text)
    if not box:
        return None, None
    status = statuses.get(box.group(1), TaskStatus.OPEN)
    parts = split_task(text[box.end() :])
    values: dict[str, Any] = {}
    problem = None
    for name, (value, _, _) in parts.fields.items():
        if name in _DATES:
            try:
                values[name] = dt.date.fromisoformat(value)
            except ValueError:
                problem = Problem(path, line, f"task date '{value}' is not a real date")
        elif name == "id":
            values["id"] = value
        elif name == "recurrence":
            values["recurs"] = True
    words = text[box.end() : box.end() + parts.text_end].strip()
    task = Task(line=line, status=status, description=parts.description, text=words, **values)
    return task, problem


def parse_structure(
    body: str, body_line: int, path: str, statuses: Statuses = DEFAULT_STATUSES
) -> Structure:
    """Tasks and headings in a note's body. `body_line` is the file line the body starts on."""
    tokens = _md().parse(body)
    tasks: list[Task] = []
    headings: list[Heading] = []
    problems: list[Problem] = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.map:
            headings.append(
                Heading(
                    level=int(token.tag[1:]),
                    title=tokens[i + 1].content.strip(),
                    line=body_line + token.map[0],
                    end=body_line + token.map[1],
                )
            )
        elif (
            token.type == "list_item_open"
            and token.map
            and i + 2 < len(tokens)
            and tokens[i + 1].type == "paragraph_open"
            and tokens[i + 1].map
            and tokens[i + 1].map[0] == token.map[0]  # type: ignore[index]
        ):
            first = tokens[i + 2].content.split("\n", 1)[0]
            task, problem = parse_task_text(first, body_line + token.map[0], path, statuses)
            if task:
                tasks.append(task)
            if problem:
                problems.append(problem)
    return Structure(tuple(tasks), tuple(headings), tuple(problems))


# A list item's first line that opens with a checkbox of any symbol, after any indentation,
# blockquote markers and list markers (`- [ ]`, `1. - [x]`, `> - [/]`).
_MAYBE_TASK = re.compile(r"[ \t>]*+(?:(?:[-*+]|\d{1,9}[.)])[ \t]++[ \t>]*+)++\[[^\r\n]\]")


def _task_lines(body: str) -> Iterator[tuple[int, int]]:
    """Where each line that may open a task starts and ends. Such a line holds a `[`, so only
    the lines of the body's `[`s are tried: a regex search for a line start that matches tries
    every line break, several times slower on a long note."""
    return (line for line in _lines_holding(body, "[") if _MAYBE_TASK.match(body, *line))


def _lines_holding(body: str, needle: str) -> Iterator[tuple[int, int]]:
    """Where each line that holds `needle` starts (after `\n` or `\r`) and ends (at its line
    break, or the end of the body), each line once."""
    returns = "\r" in body  # most bodies have none: their breaks are found by `find`
    at = body.find(needle)
    done = 0  # the line break that ends the last line found
    while at != -1:
        if returns:
            found = _ONE_BREAK.search(body, at)
            start, end = _line_start(body, at, done), found.start() if found else -1
        else:
            start, end = body.rfind("\n", done, at) + 1, body.find("\n", at)
        if end == -1:
            yield start, len(body)
            return
        yield start, end
        done = end
        at = body.find(needle, done)


def _line_start(body: str, at: int, after: int = 0) -> int:
    """Where the line that holds offset `at` starts (no earlier than `after`, a line break)."""
    return max(body.rfind("\n", after, at), body.rfind("\r", after, at)) + 1


def _line_end(body: str, at: int) -> int:
    """Where the line that holds offset `at` ends (its line break, or the end of the body)."""
    found = _ONE_BREAK.search(body, at)
    return found.start() if found else len(body)


_ONE_BREAK = re.compile(r"[\r\n]")


# What can hide a task line or make one where a line alone cannot tell: HTML blocks, block
# quotes, a NUL (read as U+FFFD). Code fences are followed line by line while each one stands at
# the margin; indented and ordered task lines go to the Markdown parser (see `_by_line`).
_HIDER = re.compile(r"[ ]{0,3}[<>]")
_HIDER_AFTER = re.compile(r"[\r\n][ ]{0,3}[<>]")


def _hides(body: str) -> bool:
    return bool(_HIDER.match(body) or _HIDER_AFTER.search(body))


_MARGIN_TASK = re.compile(r"[-*+] \[[^\r\n]\](?=[ \t]|\Z)")
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)")
_LINE_SPLIT = re.compile(r"\r\n|\n|\r")


def find_tasks(
    body: str, body_line: int, path: str, statuses: Statuses = DEFAULT_STATUSES
) -> Structure:
    """The tasks of a body (headings are not looked for). A body with no line that could open
    a task has none. One whose every task line is a `- [ ] …` at the margin, with nothing that
    could hide or make one but code fences at the margin, is read line by line (what
    markdown-it-py finds, at a fraction of the cost; a property test holds the two to the same
    answer). Anything else is given to markdown-it-py."""
    if next(_task_lines(body), None) is None:
        return Structure((), (), ())
    found = _by_line(body, body_line, path, statuses)
    return found if found is not None else parse_structure(body, body_line, path, statuses)


def _by_line(
    body: str, body_line: int, path: str, statuses: Statuses = DEFAULT_STATUSES
) -> Structure | None:
    if "\x00" in body or (("<" in body or ">" in body) and _hides(body)):
        return None
    fenced = "```" in body or "~~~" in body
    tasks: list[Task] = []
    problems: list[Problem] = []
    fence: str | None = None  # the open fence's run of backticks or tildes
    index, counted = 0, 0  # the index of the line that starts at `counted`
    for start, line in _candidates(body, fenced):
        if fenced and ("```" in line or "~~~" in line):
            opened = _FENCE.fullmatch(line)
            if opened is None:
                return None  # a fence that does not stand at the margin: the parser decides
            run, info = opened.groups()
            if fence is None:
                if run[0] == "`" and "`" in info:
                    return None
                fence = run
            elif run[0] == fence[0] and len(run) >= len(fence) and not info.strip():
                fence = None
            continue
        if fence is not None or not _MAYBE_TASK.match(line):
            continue
        if not _MARGIN_TASK.match(line):
            return None  # indented, quoted, ordered or tabbed: the parser decides
        index += count_breaks(body, start, counted)  # lines are counted only up to each task's
        counted = start
        task, problem = parse_task_text(line[2:].strip(), body_line + index, path, statuses)
        if task:
            tasks.append(task)
        if problem:
            problems.append(problem)
    return Structure(tuple(tasks), (), tuple(problems))


def _candidates(body: str, fenced: bool) -> Iterator[tuple[int, str]]:
    """The lines that may open a task and, when `fenced`, those that hold a fence's backticks
    or tildes, with where each starts: every line the line reader must look at (the others it
    would pass over), without splitting the body into lines."""
    lines: Iterable[tuple[int, int]] = _task_lines(body)
    if fenced:
        lines = sorted({*lines, *_lines_holding(body, "```"), *_lines_holding(body, "~~~")})
    for start, end in lines:
        yield start, body[start:end]


# ---------------------------------------------------------------------------------------------
# vaultfu's draft sections, by the mark each keeps on its last line.

_MARK = re.compile(
    r"%% vaultfu draft (vf-[0-9a-f]{10}) (\d{4}-\d{2}-\d{2}) ([0-9a-f]{10}) ([0-9a-f]{10}) %%"
)
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_DRAFT_HEADING = re.compile(r"#{2,3} ")  # `### Draft — …` under `## Drafts`; `##` before


def draft_mark(ident: str, due: dt.date, facts: str, written: str) -> str:
    return f"%% vaultfu draft {ident} {due.isoformat()} {facts} {written} %%"


def section_hash(section: str) -> str:
    """A hash of a draft section (its heading to the line before its mark), whatever the
    note's line endings."""
    text = section.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def draft_lines(text: str, mark: DraftMark) -> str:
    """A draft section's text under its heading, to the line before its mark, from the note's
    whole text: its lines as Markdown counts them (`str.splitlines` also breaks at a form feed,
    U+2028 and others, and would give other lines), joined by `\\n`."""
    return "\n".join(_LINE_SPLIT.split(text)[mark.start : mark.end - 1])


def find_drafts(body: str, body_line: int) -> tuple[DraftMark, ...]:
    """vaultfu's draft sections in a body: each from the nearest `## ` or `### ` heading above
    its mark to the line before the mark, a line that holds the mark alone (with whitespace).
    Only the marks are looked for, and the headings above them: a body is not split into lines
    (a property test holds this to a line-by-line reading)."""
    if "%% vaultfu draft " not in body:
        return ()
    found: list[DraftMark] = []
    headings: list[int] | None = None  # where each line that may start a section starts
    counted, lines = 0, 0  # the line breaks before offset `counted`: counted on from there

    def line_at(offset: int) -> int:
        nonlocal counted, lines
        if offset < counted:
            counted, lines = 0, 0
        lines += count_breaks(body, offset, counted)
        counted = offset
        return lines

    for mark in _MARK.finditer(body):
        start = _line_start(body, mark.start())
        after = body[mark.end() : _line_end(body, mark.end())]
        if body[start : mark.start()].strip() or after.strip():
            continue  # the mark shares its line with something else
        if headings is None:
            headings = _section_starts(body)
        above = bisect.bisect_left(headings, start) - 1  # the nearest heading line above
        if above < 0:
            continue
        try:
            due = dt.date.fromisoformat(mark.group(2))
        except ValueError:
            continue
        head = headings[above]
        found.append(
            DraftMark(
                id=mark.group(1),
                due=due,
                facts=mark.group(3),
                start=body_line + line_at(head),
                end=body_line + line_at(start),
                intact=section_hash(body[head:start]) == mark.group(4),
                heading=body[head : _line_end(body, head)].lstrip("#").strip(),
            )
        )
    return tuple(found)


def _section_starts(body: str) -> list[int]:
    """Where each line that starts `## ` or `### ` starts, in order: found from each `## ` in
    the body (a regex that tries every position is many times slower)."""
    starts = []
    at = body.find("## ")
    while at != -1:
        start = at - 1 if at and body[at - 1] == "#" else at  # `### ` or `## `
        if start == 0 or body[start - 1] in "\r\n":
            starts.append(start)
        at = body.find("## ", at + 3)
    return starts


# ---------------------------------------------------------------------------------------------
# What vaultfu learned from the mailbox: one list item each, with its mark at the end.

_MAIL = re.compile(
    r"- (?:📤|📨) (\d{4}-\d{2}-\d{2}) (.*?)[ \t]*"
    r"%% vaultfu mail ([0-9a-f]{10}) (sent|reply|offer|rejected|next-round) %%[ \t]*"
)
_WHO_SUBJECT = re.compile(r"(?:sent to )?(.*?)(?: replied)?: (.*)")


def find_mail(body: str, body_line: int) -> tuple[MailLine, ...]:
    """The mail lines of a body."""
    if "%% vaultfu mail " not in body:
        return ()
    found = []
    for index, line in enumerate(_LINES.findall(body)):
        hit = _MAIL.fullmatch(line.rstrip("\r\n"))
        if hit is None:
            continue
        try:
            day = dt.date.fromisoformat(hit.group(1))
        except ValueError:
            continue
        words = _WHO_SUBJECT.fullmatch(hit.group(2))
        who, subject = words.groups() if words else ("", hit.group(2))
        heard = Heard(hit.group(4))
        found.append(MailLine(hit.group(3), day, heard, who, subject, body_line + index))
    return tuple(found)


def mail_line(hash_: str, day: dt.date, heard: Heard, who: str, subject: str) -> str:
    """The line for a message: `- 📨 2026-11-26 Jane Doe replied: Re: Thank you %% … %%`."""
    if heard is Heard.SENT:
        words = f"📤 {day.isoformat()} sent to {who}: {subject}"
    else:
        words = f"📨 {day.isoformat()} {who} replied: {subject}"
    return f"- {words} %% vaultfu mail {hash_} {heard.value} %%"
