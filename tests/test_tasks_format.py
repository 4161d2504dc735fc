"""Task lines are read as the Obsidian Tasks plugin reads them (its DefaultTaskSerializer and
default status table): every field emoji and alias, fields and trailing tags in any order, a
block id at the end, and the plugin's statuses."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vaultfu.body import (
    _BLOCK_LINK,
    _FIELDS,
    TaskText,
    parse_structure,
    parse_task_text,
    split_task,
)
from vaultfu.model import TaskStatus

D = dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("symbol", "status"),
    [
        (" ", TaskStatus.OPEN),
        ("x", TaskStatus.DONE),
        ("-", TaskStatus.CANCELLED),
        ("/", TaskStatus.OPEN),  # in progress
        ("X", TaskStatus.OPEN),  # not in the default table: an unknown status, of type TODO
        ("?", TaskStatus.OPEN),
        (">", TaskStatus.OPEN),
    ],
)
def test_statuses_follow_the_plugins_default_table(symbol: str, status: TaskStatus) -> None:
    task, _ = parse_task_text(f"[{symbol}] Call 🆔 vf-0123456789", 1, "n.md")
    assert task is not None and task.status is status and task.id == "vf-0123456789"


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("Thank Jane 📅 2026-11-20 🆔 vf-a8b47bf614 ^e1f2a3", "id", "vf-a8b47bf614"),
        ("Thank Jane 📅 2026-11-20 🆔 vf-a8b47bf614 #waiting", "id", "vf-a8b47bf614"),
        ("Thank Jane 🆔 vf-a8b47bf614 📅 2026-11-20 #waiting ^abc-1", "due", D),
        ("Thank Jane 📆 2026-11-20", "due", D),
        ("Thank Jane 🗓 2026-11-20", "due", D),
        ("Thank Jane 📅\ufe0f 2026-11-20", "due", D),
        ("Thank Jane ⏳ 2026-11-20", "scheduled", D),
        ("Thank Jane ⌛ 2026-11-20", "scheduled", D),
        ("Thank Jane 🛫 2026-11-20 ⏫", "start", D),
        ("Thank Jane ✅ 2026-11-20 🏁 delete", "done", D),
        ("Thank Jane ❌ 2026-11-20 ⛔ abc, def", "cancelled", D),
        ("Thank Jane 📅 2026-11-20 🔁 every week when done 🔼", "due", D),
        ("Thank Jane 📅 2026-11-20 #a #b 🆔 vf-1 #c", "due", D),
    ],
)
def test_fields_are_read_in_any_order(line: str, field: str, value: object) -> None:
    task, problem = parse_task_text(f"[ ] {line}", 1, "n.md")
    assert problem is None
    assert task is not None and getattr(task, field) == value


def test_trailing_tags_go_back_into_the_description() -> None:
    parts = split_task(" Call Jane #waiting 📅 2026-11-20 #work 🆔 vf-1 ^blk")
    assert parts.description == "Call Jane #waiting #work"
    assert parts.fields["due"][0] == "2026-11-20"
    assert parts.fields["block_link"][0] == "^blk"
    assert " Call Jane #waiting 📅 2026-11-20 #work 🆔 vf-1 ^blk"[: parts.text_end] == " Call Jane"


def test_a_description_with_no_fields_is_the_text() -> None:
    task, _ = parse_task_text("[ ] Send the writing sample by Friday", 1, "n.md")
    assert task is not None and task.description == "Send the writing sample by Friday"
    assert task.due is None and task.id is None


def test_nested_and_quoted_task_lines_are_tasks() -> None:
    body = "1. - [x] Done 🆔 vf-aaaaaaaaaa\n\n- > - [ ] Quoted 🆔 vf-bbbbbbbbbb\n"
    tasks = parse_structure(body, 1, "n.md").tasks
    assert [(t.id, t.status) for t in tasks] == [
        ("vf-aaaaaaaaaa", TaskStatus.DONE),
        ("vf-bbbbbbbbbb", TaskStatus.OPEN),
    ]


def split_from_the_start(rest: str) -> TaskText:
    """The reference for `split_task`: each field's pattern searched from the start of the
    text, as the plugin's own regexes run, with no window."""
    end = len(rest.rstrip())
    fields: dict[str, tuple[str, int, int]] = {}
    tags: list[tuple[int, int]] = []
    link = _BLOCK_LINK.search(rest, 0, end)
    if link:
        fields["block_link"] = (link.group(0).strip(), link.start() + 1, link.end())
        end = len(rest[: link.start()].rstrip())
    for _ in range(21):
        matched = False
        for name, pattern in _FIELDS:
            found = pattern.search(rest, 0, end)
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


PIECES = st.sampled_from(
    [
        "Call",
        "Jane",
        " ",
        "  ",
        "\t",
        "#",
        "#work",
        "#a#b",
        "x#y",
        "📅",
        "📅 2026-11-20",
        "📆2026-11-20",
        "🗓\ufe0f 2026-11-20",
        "⏳ 2026-11-21",
        "✅ 2026-11-22",
        "❌ 2026-02-30",
        "🛫 2026-11-01",
        "➕ 2026-10-01",
        "🔁 every week",
        "🔁",
        "🏁 delete",
        "🆔 vf-0123456789",
        "🆔",
        "⛔ abc, def",
        "⛔ abc,",
        "🔺",
        "⏫\ufe0f",
        "🔽",
        "^blk-1",
        " ^blk",
        "[[#Draft — x|draft]]",
        "·",
        "2026-11-20",
        ",",
    ]
)


@settings(max_examples=4000, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
@example(" Call Jane #waiting 📅 2026-11-20 #work 🆔 vf-1 ^blk")
@example("📅 2026-11-20📅 2026-11-21")
def test_each_field_is_looked_for_only_where_it_can_start(rest: str) -> None:
    """Searching a field's pattern from the last of its symbols finds what a search from the
    start finds, on generated task texts."""
    assert split_task(rest) == split_from_the_start(rest)
