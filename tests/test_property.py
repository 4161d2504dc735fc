"""Property: whatever the note looks like, vaultfu's edit is the old text with insertions only
(plus the checkbox and date of its own task lines), and a second pass changes nothing."""

from __future__ import annotations

import datetime as dt
import importlib.resources

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vaultfu import safe
from vaultfu.agenda import agenda_ticks
from vaultfu.config import Config
from vaultfu.edits import (
    BEGIN,
    END,
    RegionError,
    _marker_lines,
    lines_of,
    region_of,
    replace_region,
)
from vaultfu.front import find_frontmatter
from vaultfu.model import Kind, TaskStatus
from vaultfu.notes import parse_text
from vaultfu.wanted import Request
from vaultfu.writeback import plan_notes

REL = "Interviews/n.md"
TODAY = dt.date(2026, 11, 24)
CONFIG = Config()
TEMPLATES = {
    k.value: (importlib.resources.files("vaultfu") / "templates" / f"{k.value}.md").read_text(
        "utf-8"
    )
    for k in Kind
    if k.sends_message
}

words = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"
    ),
    max_size=30,
)


@st.composite
def frontmatter(draw: st.DrawFn) -> list[str]:
    day = TODAY + dt.timedelta(days=draw(st.integers(-40, 5)))
    status = draw(st.sampled_from(["waiting", "scheduled", "offer", "rejected", "next-round"]))
    lines = [
        "---",
        "type: interview",
        "company: " + draw(st.sampled_from(["Acme", "Globex", '"[[Initech]]"'])),
        "role: Engineer",
        f"date: {day.isoformat()}{draw(st.sampled_from(['', 'T10:00']))}",
        f"status: {status}",
        "# a comment the user wrote",
    ]
    people = draw(
        st.lists(st.sampled_from(["Jane Doe <j@a.co>", "Sam Roe", '"[[Kim]]"']), max_size=2)
    )
    if people:
        lines += ["interviewers:", *[f"  - {p}" for p in people]]
    if draw(st.booleans()):
        lines.append('references: ["Bob <b@x.co>"]')
    if draw(st.booleans()):
        lines.append(f"status_date: {(day + dt.timedelta(days=2)).isoformat()}")
    lines.append("---")
    return lines


def vf_task(draw: st.DrawFn) -> str:
    box = draw(st.sampled_from([" ", "x", "-"]))
    ident = draw(st.from_regex(r"vf-[0-9a-f]{10}", fullmatch=True))
    return f"- [{box}] {draw(words).strip() or 'old'} 📅 2026-11-01 🆔 {ident}"


@st.composite
def block(draw: st.DrawFn) -> list[str]:
    kind = draw(
        st.sampled_from(
            ["para", "rule", "fence", "follow", "heading", "blank", "quote", "list", "tabs"]
        )
    )
    if kind == "para":
        return [draw(words).replace("`", "") or "text"]
    if kind == "rule":
        return ["---"]
    if kind == "fence":
        inner = draw(
            st.lists(st.sampled_from(["- [ ] not a task", "## Follow-ups", "x"]), max_size=3)
        )
        return ["```", *inner, "```"]
    if kind == "follow":
        tasks = draw(
            st.lists(st.one_of(st.just("- [ ] mine"), st.builds(lambda: None)), max_size=2)
        )
        own = [vf_task(draw) for _ in range(draw(st.integers(0, 2)))]
        return ["## Follow-ups", *[t for t in tasks if t], *own]
    if kind == "heading":
        return [f"{'#' * draw(st.integers(1, 3))} {draw(words).strip() or 'Title'}"]
    if kind == "blank":
        return [""]
    if kind == "quote":
        return [f"> {draw(words)}"]
    if kind == "list":
        return ["- item", "  - nested"]
    return ["\tindented with a tab", "trailing spaces   "]


@st.composite
def notes(draw: st.DrawFn) -> str:
    head = draw(frontmatter())
    body = [line for b in draw(st.lists(block(), max_size=8)) for line in b]
    style = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))

    def end(in_body: bool) -> str:
        if style != "mixed":
            return style
        return draw(st.sampled_from(["\n", "\r\n", "\r"] if in_body else ["\n", "\r\n"]))

    text = "".join(line + end(False) for line in head)
    text += "".join(line + end(True) for line in body)
    if body and draw(st.booleans()):
        text = text.rstrip("\r\n")  # no final newline
    return text


def one_pass(text: str) -> tuple[str, int]:
    found = parse_text(REL, text, CONFIG)
    assert found is not None
    planned = plan_notes(
        {REL: text}.__getitem__,
        (found[0],),
        config=CONFIG,
        today=TODAY,
        ticks={},
        request=Request(),
        template=TEMPLATES.__getitem__,
        resolve=lambda ns: ns,
    )
    return planned.edits.get(REL, text), len(planned.problems)


def assert_insertions_only(old: str, new: str) -> None:
    old_lines, new_lines = lines_of(old), lines_of(new)
    j = 0
    for index, line in enumerate(old_lines):
        last = index == len(old_lines) - 1
        while j < len(new_lines):
            candidate = new_lines[j]
            j += 1
            if candidate == line or (last and candidate.rstrip("\r\n") == line):
                break
            if "🆔 vf-" in line and _flipped(line, candidate, last):
                break
        else:
            raise AssertionError(f"old line {index + 1} lost or changed: {line!r}")


def _flipped(old: str, new: str, last: bool) -> bool:
    """The one in-place edit allowed: a vaultfu task's box flipped and a date appended."""
    body_old, body_new = old.rstrip("\r\n"), new.rstrip("\r\n")
    ending_old = old[len(body_old) :]
    if ending_old != new[len(body_new) :] and not (last and ending_old == ""):
        return False
    i = body_old.find("[")
    if i < 0:  # not a task line (a heading that names an id, say): nothing may change it
        return False
    if (
        body_new[:i] != body_old[:i]
        or body_new[i + 2 :][: len(body_old) - i - 2] != body_old[i + 2 :]
    ):
        return False
    rest = body_new[len(body_old) :]
    return rest.strip() == "" or rest.lstrip().startswith(("✅ ", "❌ "))


def check(text: str) -> None:
    new, problems = one_pass(text)
    event(f"changed={new != text} problems={problems}")
    assert_insertions_only(text, new)
    block = find_frontmatter(text)
    assert block is not None
    assert new.startswith(text[: block.body_offset])  # the frontmatter is never touched
    again, _ = one_pass(new)
    assert again == new
    if problems:
        assert new == text  # a refused note is left exactly as it was


THOROUGH = settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@THOROUGH
@given(notes())
def test_edits_are_insertions_only_and_idempotent(text: str) -> None:
    check(text)


@pytest.mark.slow
@settings(THOROUGH, max_examples=10_000)
@given(notes())
def test_ten_thousand_generated_notes(text: str) -> None:
    """The same property over 10,000 generated notes: the `slow` run, which CI makes too."""
    check(text)


def test_the_checker_catches_a_lost_line() -> None:
    """The property's own oracle must be able to fail."""
    with pytest.raises(AssertionError):
        assert_insertions_only("a\nb\nc\n", "a\nc\n")
    with pytest.raises(AssertionError):
        assert_insertions_only("- [ ] x 🆔 vf-1\n", "- [x] y 🆔 vf-1 ✅ 2026-11-24\n")
    assert_insertions_only("- [ ] x 🆔 vf-1\n", "- [x] x 🆔 vf-1 ✅ 2026-11-24\n")
    assert_insertions_only("a", "a\nnew\n")


@st.composite
def agenda_notes(draw: st.DrawFn) -> str:
    """A user's agenda note: their own text around (or without) vaultfu's markers."""
    nl = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    mine = draw(st.lists(words, max_size=6))
    before = nl.join(mine)
    if draw(st.booleans()):
        region = nl.join(draw(st.lists(words.map(lambda w: f"- [ ] {w}"), max_size=4)))
        after = nl.join(draw(st.lists(words, max_size=3)))
        return before + nl + BEGIN + nl + region + (nl if region else "") + END + nl + after
    return before + (nl if mine and draw(st.booleans()) else "")


@settings(max_examples=2000, deadline=None)
@given(agenda_notes(), st.lists(words, max_size=5))
def test_the_agenda_region_is_the_only_thing_rewritten(text: str, lines: list[str]) -> None:
    # what vaultfu renders there: list items, one a line
    region = "\n".join("- " + line.replace("\r", " ").replace("\n", " ") for line in lines)
    try:
        new = replace_region(text, region)
    except RegionError:  # damaged markers are refused, never guessed at
        assert region_of(text) is None and (BEGIN in text or END in text)
        return
    assert replace_region(new, region) == new  # a second run writes nothing
    kept = region_of(text)
    if kept is None:  # no region yet: the note gets one at its end, and keeps every byte
        assert new.startswith(text)
    else:  # everything outside the marker lines is kept, byte for byte
        start = _marker_lines(text, BEGIN)[0].start()
        end = _marker_lines(text, END)[0]
        assert new.startswith(text[:start]) and new.endswith(text[end.end() :])
    assert region_of(new) is not None


@settings(max_examples=1000, deadline=None)
@given(agenda_notes(), st.lists(words, max_size=5), st.sampled_from(["", "📅 ✅ ❌ ⏳", "é\u2028"]))
def test_the_agenda_spliced_as_bytes_is_the_text_spliced(
    text: str, lines: list[str], more: str
) -> None:
    """The engine splices the agenda as UTF-8 bytes (a large one is never one long string):
    the same bytes as splicing its text, the same region read, the same damage refused."""
    text = text.replace("user", f"user {more}")
    # (the words as vaultfu writes them: see `safe.text`)
    region = "\n".join(f"- [ ] {more} {safe.text(w)} 🆔 vf-{i:010x}" for i, w in enumerate(lines))
    try:
        new = replace_region(text, region)
    except RegionError as exc:
        with pytest.raises(RegionError) as raised:
            replace_region(text.encode(), region.encode())
        assert raised.value.line == exc.line and str(raised.value) == str(exc)
        return
    assert replace_region(text.encode(), region.encode()) == new.encode()
    found = region_of(text)
    assert region_of(text.encode()) == (None if found is None else found.encode())
    today = dt.date(2026, 11, 23)
    ticked = new.replace("- [ ]", "- [x]").encode()  # every line of the region ticked
    done = {f"vf-{i:010x}": (TaskStatus.DONE, today) for i in range(len(lines))}
    assert agenda_ticks(ticked, "Agenda.md", today) == done
