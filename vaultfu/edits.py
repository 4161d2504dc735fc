"""Text + wanted change → new text (pure, byte-preserving), and where in a note each goes.

Every function here returns the old text with insertions, or with the checkbox and date of a task
line vaultfu wrote flipped; nothing else of the user's text is ever changed. Text arrives without
its BOM (the disk layer keeps that); the note's own line ending is used for every inserted line.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import AnyStr

from .body import Heading, parse_structure, split_task
from .front import find_frontmatter

BEGIN = "%% vaultfu:begin %%"
END = "%% vaultfu:end %%"


class RegionError(ValueError):
    """The agenda note's markers are damaged; vaultfu will not guess where its region ends."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def newline_of(text: AnyStr) -> AnyStr:
    """The note's line ending: the first one it uses, else `\\n` (text or its UTF-8 bytes)."""
    found = (_BREAK if isinstance(text, str) else _BREAK_BYTES).search(text)
    return found.group(0) if found else _as(text, "\n")


_BREAK = re.compile(r"\r\n|\n|\r")
_BREAK_BYTES = re.compile(rb"\r\n|\n|\r")


def _as(text: AnyStr, ascii_text: str) -> AnyStr:
    """`ascii_text` as the same type as `text`: the agenda is spliced as text or as bytes."""
    return ascii_text if isinstance(text, str) else ascii_text.encode("ascii")


def _marker_lines(text: AnyStr, marker: str) -> list[re.Match[AnyStr]]:
    """The lines that hold `marker` alone (spaces aside); lines may end in \\r\\n, \\n or a
    lone \\r. Found with find, so a long agenda costs one pass. On UTF-8 bytes the lines are
    the text's own: no byte of a character beyond ASCII is a marker's, a space or a break."""
    mark = _as(text, marker)
    line = re.compile(
        _as(text, r"[ \t]*") + re.escape(mark) + _as(text, r"[ \t]*(?:\r\n|\n|\r|\Z)")
    )
    blank, breaks = _as(text, " \t"), _as(text, "\r\n")
    found = []
    hit = text.find(mark)
    while hit != -1:
        start = hit
        while start > 0 and text[start - 1 : start] in blank:
            start -= 1
        if start == 0 or text[start - 1 : start] in breaks:
            match = line.match(text, start)
            if match:
                found.append(match)
        hit = text.find(mark, hit + len(mark))
    return found


def replace_region(text: AnyStr, region: AnyStr) -> AnyStr:
    """Put `region` (lines joined by `\\n`, markers excluded) between the agenda's markers.
    Text, or its UTF-8 bytes (without a BOM) with the region's: a large agenda is spliced as
    bytes, never held as one long string (a 50k-note vault's agenda is 11 MB of UTF-8 with
    emoji, a 46 MB string).

    Creates the markers at the end of the note when it has none; keeps every byte outside them.
    """
    nl = newline_of(text)
    newline = _as(text, "\n")
    # one copy, not a split and a join (55 ms for the 75,000 lines of a 50k-note vault's region)
    body = newline.join((_as(text, BEGIN), region, _as(text, END)))
    if nl != newline:
        body = body.replace(newline, nl)
    begins, ends = _marker_lines(text, BEGIN), _marker_lines(text, END)
    if not begins and not ends:
        if not text:
            return body + nl
        out = text if text.endswith((newline, _as(text, "\r"))) else text + nl
        return text[:0].join((out, _break_after(out, nl), body, nl))
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end():
        first = (begins or ends)[0]
        line = text.count(newline, 0, first.start()) + 1
        raise RegionError(
            line,
            f"its vaultfu markers are damaged ({len(begins)} begin, {len(ends)} end); "
            f"leave exactly one '{BEGIN}' line and one '{END}' line after it",
        )
    end = ends[0]
    tail = end.group(0)[len(end.group(0).rstrip(_as(text, "\r\n"))) :]
    return text[:0].join((text[: begins[0].start()], body, tail, text[end.end() :]))


def region_of(text: AnyStr) -> AnyStr | None:
    """The text between the markers, or None when there is no well-formed region."""
    begins, ends = _marker_lines(text, BEGIN), _marker_lines(text, END)
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end():
        return None
    return text[begins[0].end() : ends[0].start()]


# ---------------------------------------------------------------------------------------------
# Interview notes: insert task lines, flip a task's checkbox, append draft sections.

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_BOX = re.compile(r"^([ \t>]*+(?:(?:[-*+]|\d{1,9}[.)])[ \t]++[ \t>]*+)++\[)([^\r\n])(\])")
FOLLOW_UPS = "Follow-ups"
_FOLLOW_UPS_TITLES = {"follow-ups", "follow ups", "followups"}


def _break_after(text: AnyStr, nl: AnyStr) -> AnyStr:
    """The line break to write right after `text`: the note's own, except that a `\\n` written
    after a lone `\\r` would merge with it into one CRLF and change the user's line."""
    lone = nl == _as(nl, "\n") and text.endswith(_as(text, "\r"))
    return _as(nl, "\r\n") if lone else nl


def _ends_blank(text: str) -> bool:
    return re.search(r"(?:\r\n|\n|\r)(?:\r\n|\n|\r)\Z", text) is not None


def lines_of(text: str) -> list[str]:
    """The note's lines, each with its own line ending (the last may have none)."""
    found = _LINE.findall(text)
    if found and found[-1] == "":
        found.pop()
    return found


class LineError(ValueError):
    """A line vaultfu meant to change is not the task line it expected."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line} is not a task line vaultfu can read; left as it is")
        self.line = line


def _task_line(text: str, line: int) -> tuple[list[str], str, str, re.Match[str]]:
    """The note's lines, and the task line `line` (1-based): its content, its ending and its
    checkbox."""
    lines = lines_of(text)
    if not 1 <= line <= len(lines):
        raise LineError(line)
    content = lines[line - 1].rstrip("\r\n")
    box = _BOX.match(content)
    if not box:
        raise LineError(line)
    return lines, content, lines[line - 1][len(content) :], box


def set_task_mark(text: str, line: int, mark: str, stamp: str | None) -> str:
    """Flip the checkbox on a 1-based `line` to `mark` (`x`, `-` or ` `; "": left as it is) and
    append `stamp` (like `✅ 2026-11-24`) at the end of that line, before a block id (` ^abc`),
    which the Tasks plugin reads only as the very last thing. Nothing else on the line changes."""
    lines, content, ending, box = _task_line(text, line)
    if mark:
        content = content[: box.start(2)] + mark + content[box.end(2) :]
    link = split_task(content[box.end() :]).fields.get("block_link")
    cut = box.end() + link[1] - 1 if link else len(content)  # a block id stays last
    head, tail = content[:cut], content[cut:]
    if stamp and not head.rstrip().endswith(stamp):
        head += stamp if head.endswith((" ", "\t")) else f" {stamp}"
    lines[line - 1] = head + tail + ending
    return "".join(lines)


def update_task_line(
    text: str, line: int, words: str, due: dt.date, snooze: dt.date | None = None
) -> str:
    """Bring a task line vaultfu wrote up to date: its words (before the fields) and its 📅,
    and with `snooze`, a ⏳ (before the other fields: the day the user postponed it to).
    Everything else on the line stays: the checkbox, the user's tags, block id, ⏳ and the
    other fields, in their places."""
    lines, content, ending, box = _task_line(text, line)
    head, rest = content[: box.end()], content[box.end() :]
    parts = split_task(rest)
    if "due" in parts.fields:
        _, start, end = parts.fields["due"]
        rest = rest[:start] + due.isoformat() + rest[end:]
        tail = rest[parts.text_end :]
    else:
        tail = f" 📅 {due.isoformat()}" + rest[parts.text_end :]
    if snooze is not None:
        tail = f" ⏳ {snooze.isoformat()}{tail}"
    lines[line - 1] = f"{head} {words}{tail}{ending}"
    return "".join(lines)


def replace_lines(text: str, first: int, last: int, new: str) -> str:
    """Replace the 1-based lines `first` to `last` (inclusive) by `new` (`\\n` lines), in the
    note's own line endings; the last line keeps its ending."""
    nl = newline_of(text)
    lines = lines_of(text)
    old_last = lines[last - 1]
    ending = old_last[len(old_last.rstrip("\r\n")) :]
    body = nl.join(new.rstrip("\n").split("\n")) + ending
    return "".join(lines[: first - 1]) + body + "".join(lines[last:])


def is_follow_ups(level: int, title: str) -> bool:
    return level == 2 and title.strip().casefold() in _FOLLOW_UPS_TITLES


def insert_tasks(text: str, section: tuple[int, int] | None, new_lines: list[str]) -> str:
    """Insert task lines at the end of the `## Follow-ups` section.

    `section` is (first line after the heading, first line of the next section or one past the
    last line), 1-based; None when the note has no such section, in which case the heading is
    created at the end of the note."""
    if not new_lines:
        return text
    nl = newline_of(text)
    lines = lines_of(text)
    if section is None:
        out = text if not text or text.endswith(("\n", "\r")) else text + nl
        if out:
            out += _break_after(out, nl)
        return out + nl.join([f"## {FOLLOW_UPS}", *new_lines]) + nl
    start, stop = section
    last = start - 1  # the heading's last line, when the section is empty
    for index in range(start, min(stop, len(lines) + 1)):
        if lines[index - 1].strip():
            last = index
    before = "".join(lines[:last])
    after = "".join(lines[last:])
    if before and not before.endswith(("\n", "\r")):
        return before + nl + nl.join(new_lines) + after
    return before + nl.join(new_lines) + nl + after


DRAFTS = "Drafts"


def append_sections(text: str, sections: list[str], drafts: tuple[int, int] | None = None) -> str:
    """Add draft sections (`\\n` lines, each a `### Draft — …`) to the note's `## Drafts`
    section, which folds as one: at its end, or at the end of the note under a new `## Drafts`
    heading when it has none. `drafts` is that section as `insert_tasks` takes one."""
    if not sections:
        return text
    nl = newline_of(text)
    lines = lines_of(text)
    if drafts is not None and drafts[1] <= len(lines):  # a section follows: insert before it
        stop = drafts[1]
        while stop - 1 > drafts[0] and not lines[stop - 2].strip():
            stop -= 1  # before the blank lines that end the section
        before, after = "".join(lines[: stop - 1]), "".join(lines[stop - 1 :])
        if before and not before.endswith(("\n", "\r")):
            before += nl
        body = nl.join(nl.join(s.rstrip("\n").split("\n")) for s in sections)
        return before + nl + body + nl + (nl if after.strip() else "") + after
    out = text
    if out and not out.endswith(("\n", "\r")):
        out += nl
    if drafts is None:
        sections = [f"## {DRAFTS}\n", *sections]
    for section in sections:
        body = nl.join(section.rstrip("\n").split("\n")) + nl
        if out and not _ends_blank(out) and out not in ("\n", "\r\n", "\r"):
            out += _break_after(out, nl)
        out += body
    return out


def follow_ups_section(text: str) -> tuple[int, int] | None:
    """The note's `## Follow-ups` section (see `_section`)."""
    return _section(text, is_follow_ups)


def drafts_section(text: str) -> tuple[int, int] | None:
    """The note's `## Drafts` section (see `_section`)."""
    return _section(text, lambda level, title: level == 2 and title.strip() == DRAFTS)


def _section(text: str, wanted: Callable[[int, str], bool]) -> tuple[int, int] | None:
    """The first section whose heading is `wanted`: (its first line after the heading, the
    first line of the next `#`/`##` section or 10**9), 1-based."""
    headings = _headings(text)
    for index, h in enumerate(headings):
        if wanted(h.level, h.title):
            stop = next((n.line for n in headings[index + 1 :] if n.level <= 2), 10**9)
            return h.end, stop
    return None


@functools.lru_cache(maxsize=8)
def _headings(text: str) -> tuple[Heading, ...]:
    """The headings of a note's body, parsed once for each section looked for in the same text
    (an edit looks for two, and is checked by making it again)."""
    block = find_frontmatter(text)
    body = text[block.body_offset :] if block else ""
    return parse_structure(body, block.body_line if block else 1, "").headings
