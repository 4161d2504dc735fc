"""Task lines are read as the Obsidian Tasks plugin reads them (its DefaultTaskSerializer and
default status table): every field emoji and alias, fields and trailing tags in any order, a
block id at the end, and the plugin's statuses."""

from __future__ import annotations

import datetime as dt

import pytest

from vaultfu.body import parse_structure, parse_task_text, split_task
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
