"""The cheap line reader of task lines and markdown-it-py, the reference, give the same tasks
(and the same problems) on generated and tricky bodies: fences, indented code, HTML blocks,
lists in block quotes, lazy lines, tabs, every line ending."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from vaultfu.body import find_tasks, parse_structure

LINES = st.sampled_from(
    [
        "- [ ] a task 📅 2026-11-20",
        "- [x] done ✅ 2026-11-21 🆔 vf-0123456789",
        "* [/] in progress #tag ^blk",
        "+ [-] cancelled ❌ 2026-11-20",
        "- [ ]",
        "- [X] odd 📅 2026-02-30",
        "- [ ]no space",
        "-\t[ ] a tab",
        "  - [ ] nested",
        "    - [ ] indented four",
        "\t- [ ] tab indented",
        "1. [ ] ordered",
        "1. - [x] ordered then bullet",
        "> - [ ] quoted",
        "> quote",
        "- > - [ ] in a quote in a list",
        "```",
        "~~~",
        "    code",
        "<div>",
        "</div>",
        "<!-- comment",
        "-->",
        "- item",
        "  continued",
        "plain text",
        "lazy line - [ ] not a task",
        "---",
        "===",
        "* * *",
        "# Heading",
        "## Follow-ups",
        "",
        "[ ] bare box",
        "- [[link]] not a box",
        "- [ ] [[link]] then words",
    ]
)


def body_of(lines: list[str], ending: str) -> str:
    return ending.join(lines)


@settings(max_examples=3000, deadline=None)
@given(st.lists(LINES, max_size=14), st.sampled_from(["\n", "\r\n", "\r"]), st.integers(1, 40))
@example(["- [ ] a task", "    code"], "\n", 5)
@example(["plain text", "- [ ] a task", "==="], "\r\n", 3)
@example(["- item", "- [ ] a task", "  continued", "- [x] done"], "\r", 1)
@example(["", "- [ ] first after a blank line"], "\r\n", 2)
def test_the_line_reader_agrees_with_markdown_it(lines: list[str], ending: str, at: int) -> None:
    body = body_of(lines, ending)
    fast = find_tasks(body, at, "n.md")
    reference = parse_structure(body, at, "n.md")
    assert fast.tasks == reference.tasks
    assert fast.problems == reference.problems


SIMPLE = st.sampled_from(
    [
        "- [ ] a task 📅 2026-11-20",
        "- [x] done ✅ 2026-11-21 🆔 vf-0123456789",
        "* [/] in progress #tag ^blk",
        "- [X] odd 📅 2026-02-30",
        "- [ ]",
        "- item",
        "  continued",
        "plain text",
        "---",
        "===",
        "# Heading",
        "",
        "- [[link]] not a box",
        "```",
        "```python",
        "````",
        "~~~",
        "~~~ info with ` backtick",
        "- [ ] inside a fence, if one is open",
    ]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(SIMPLE, max_size=14), st.sampled_from(["\n", "\r\n", "\r"]), st.integers(1, 40))
def test_plain_bodies_are_read_line_by_line_and_agree(
    lines: list[str], ending: str, at: int
) -> None:
    from vaultfu.body import _by_line

    body = body_of(lines, ending)
    fast = _by_line(body, at, "n.md")
    assert fast is not None  # the cheap path is the one taken
    reference = parse_structure(body, at, "n.md")
    assert fast.tasks == reference.tasks and fast.problems == reference.problems


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="-*+1.)[] x\t>\r\nab", max_size=40))
def test_the_lines_tried_are_every_line_that_may_open_a_task(body: str) -> None:
    """`_task_lines` looks only at lines that hold a `[`, each once: it must find exactly the
    lines (from after `\\n` or `\\r` to the next) where a task line may open, found one by one."""
    from vaultfu.body import _MAYBE_TASK, _task_lines

    starts = [0] + [i + 1 for i, c in enumerate(body) if c in "\r\n"]
    ends = [i for i, c in enumerate(body) if c in "\r\n"] + [len(body)]
    lines = [(s, e) for s, e in zip(starts, ends, strict=True) if _MAYBE_TASK.match(body, s)]
    assert list(_task_lines(body)) == lines
