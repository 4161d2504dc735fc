"""Read a note's body as Markdown: its headings and its task lines (pure)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt

from .model import Problem, Task, TaskStatus


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    # Block structure is all vaultfu needs (list items, headings, code): the inline pass, which
    # only fills in children of each inline token, is turned off.
    md = MarkdownIt("commonmark")
    md.core.ruler.disable(["inline", "text_join"])
    return md


_CHECKBOX = re.compile(r"^\[([ xX\-])\][ \t]+")
_DATE_FIELDS = {"📅": "due", "⏳": "scheduled", "🛫": "start", "✅": "done", "❌": "cancelled"}
_FIELD = re.compile(
    r"[ \t]*(?:(?P<emoji>📅|⏳|🛫|✅|❌|➕)\ufe0f?[ \t]*(?P<date>\d{4}-\d{2}-\d{2})"
    r"|🆔\ufe0f?[ \t]*(?P<id>[A-Za-z0-9_-]+)"
    r"|(?:🔺|⏫|🔼|🔽|⏬)\ufe0f?"
    r"|🔁\ufe0f?[ \t]*[A-Za-z0-9 ,!]+?"
    r"|⛔\ufe0f?[ \t]*[A-Za-z0-9_,-]+)[ \t]*$"
)


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    line: int  # 1-based file line
    end: int  # the file line after the heading (a setext heading spans two lines)


@dataclass(frozen=True)
class Structure:
    tasks: tuple[Task, ...]
    headings: tuple[Heading, ...]
    problems: tuple[Problem, ...]


def parse_task_text(text: str, line: int, path: str) -> tuple[Task | None, Problem | None]:
    """One list item's first line (after `- `) to a Task, or None when it is no task."""
    box = _CHECKBOX.match(text)
    if not box:
        return None, None
    status = {" ": TaskStatus.OPEN, "-": TaskStatus.CANCELLED}.get(box.group(1), TaskStatus.DONE)
    rest = text[box.end() :].rstrip()
    fields: dict[str, Any] = {}
    problem = None
    while True:
        found = _FIELD.search(rest)
        if not found or found.end() != len(rest):
            break
        if found.group("emoji"):
            name = _DATE_FIELDS.get(found.group("emoji"))
            if name and name not in fields:
                try:
                    fields[name] = dt.date.fromisoformat(found.group("date"))
                except ValueError:
                    problem = Problem(
                        path, line, f"task date '{found.group('date')}' is not a real date"
                    )
        elif found.group("id") and "id" not in fields:
            fields["id"] = found.group("id")
        rest = rest[: found.start()]
    return Task(line=line, status=status, description=rest.strip(), **fields), problem


def parse_structure(body: str, body_line: int, path: str) -> Structure:
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
            task, problem = parse_task_text(first, body_line + token.map[0], path)
            if task:
                tasks.append(task)
            if problem:
                problems.append(problem)
    return Structure(tuple(tasks), tuple(headings), tuple(problems))


_MAYBE_TASK = re.compile(r"\[[ xX\-]\]")


def find_tasks(body: str, body_line: int, path: str) -> Structure:
    """The tasks of a body. A body with no `[ ]`, `[x]` or `[-]` anywhere has none, and is not
    given to the Markdown parser at all."""
    if not _MAYBE_TASK.search(body):
        return Structure((), (), ())
    return parse_structure(body, body_line, path)
