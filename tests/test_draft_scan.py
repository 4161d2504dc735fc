"""vaultfu's draft sections are found by their marks, without splitting the body into lines;
a plain line-by-line reading (kept here as the reference) finds exactly the same sections, with
the same lines, headings and intact flags, on generated bodies with every line ending."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from vaultfu.body import draft_mark, find_drafts, section_hash
from vaultfu.model import DraftMark

_MARK = re.compile(
    r"%% vaultfu draft (vf-[0-9a-f]{10}) (\d{4}-\d{2}-\d{2}) ([0-9a-f]{10}) ([0-9a-f]{10}) %%"
)
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")


def by_lines(body: str, body_line: int) -> tuple[DraftMark, ...]:
    """The reference: every line whose stripped text is a mark, and the nearest line above it
    that starts `## ` or `### `."""
    lines = _LINES.findall(body)
    found = []
    for index, line in enumerate(lines):
        mark = _MARK.fullmatch(line.strip())
        if not mark:
            continue
        start = next((i for i in range(index - 1, -1, -1) if re.match(r"#{2,3} ", lines[i])), None)
        if start is None:
            continue
        try:
            due = dt.date.fromisoformat(mark.group(2))
        except ValueError:
            continue
        written = section_hash("".join(lines[start:index]))
        found.append(
            DraftMark(
                id=mark.group(1),
                due=due,
                facts=mark.group(3),
                start=body_line + start,
                end=body_line + index,
                intact=written == mark.group(4),
                heading=lines[start].lstrip("#").strip(),
            )
        )
    return tuple(found)


WORDS = st.sampled_from(
    [
        "## Drafts",
        "### Draft — thank-you email to Jane Doe (19 Nov)",
        "## Draft — status check",
        "#### too deep",
        "##no space",
        " ## indented",
        "# Top",
        "To: jane@acme.example",
        "Hi Jane,",
        "",
        "   ",
        "\x0c",
        "\x85",
        "\u2028",
        "- [ ] a task 🆔 vf-0123456789",
        "%% a comment %%",
        "%% vaultfu draft vf-0123456789 2026-02-30 0123456789 0123456789 %%",
        "%% vaultfu draft vf-0123456789 2026-11-19 0123456789 0123456789 %% and more",
        "text %% vaultfu draft vf-0123456789 2026-11-19 0123456789 0123456789 %%",
        "%% vaultfu draft vf-01234 2026-11-19 0123456789 0123456789 %%",
    ]
)


@st.composite
def bodies(draw: st.DrawFn) -> str:
    """Lines, some of them marks whose hash matches the section above them (an intact draft)
    or not (an edited one), joined by one line ending or a mix of them."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.booleans()) and lines:
            start = max(
                (i for i, line in enumerate(lines) if line.startswith(("## ", "### "))),
                default=0,
            )
            section = "\n".join(lines[start:])
            written = section_hash(section) if draw(st.booleans()) else "abcdef0123"
            pad = draw(st.sampled_from(["", " ", "\t", "  \x0c"]))
            due = dt.date(2026, 11, draw(st.integers(1, 30)))
            lines.append(pad + draft_mark("vf-" + "ab" * 5, due, "0123456789", written) + pad)
        else:
            lines.append(draw(WORDS))
    endings = st.sampled_from(["\n", "\r\n", "\r"])
    if draw(st.booleans()):
        ending = draw(endings)
        return ending.join(lines) + draw(st.sampled_from(["", ending]))
    return "".join(line + draw(endings) for line in lines)


@settings(max_examples=3000, deadline=None)
@given(bodies(), st.integers(1, 40))
@example("## Draft\nHi\n%% vaultfu draft vf-abababab 2026-11-19 0123456789 x %%", 3)
@example("## A\n%% vaultfu draft vf-abababababab 2026-11-19 0123456789 0123456789 %%", 3)
def test_marks_found_directly_are_the_marks_found_line_by_line(body: str, body_line: int) -> None:
    assert find_drafts(body, body_line) == by_lines(body, body_line)


def test_the_generator_makes_intact_drafts() -> None:
    """The property above would say little if no generated draft were intact: one is."""
    section = "## Draft — thank-you\r\nHi Jane,\r\n"
    body = section + draft_mark("vf-abababab01", dt.date(2026, 11, 19), "0" * 10, "x") + "\r\n"
    written = section_hash(section)
    body = body.replace(" x %%", f" {written} %%")
    (found,) = find_drafts("text\n" + body, 5)
    assert found.intact and (found.start, found.end) == (6, 8)
    assert found.heading == "Draft — thank-you"


def hash_by_lines(section: str) -> str:
    """The reference for a section's hash: its lines without their endings, joined by `\n`."""
    lines = [line.rstrip("\r\n") for line in _LINES.findall(section)]
    text = "\n".join(lines).rstrip("\n")
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


@settings(max_examples=2000, deadline=None)
@given(st.text(st.sampled_from(["a", "é", "📅", " ", "\n", "\r", "\x85", "\u2028", "#"])))
@example("Hi\r\n\r\nBye\r")
def test_a_sections_hash_is_the_hash_of_its_lines(section: str) -> None:
    """Marks written by earlier versions still say intact: the hash is unchanged."""
    assert section_hash(section) == hash_by_lines(section)
