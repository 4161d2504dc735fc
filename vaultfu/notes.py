"""Parse one note from its text: frontmatter, tasks, headings, and the interview facts (pure)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler
from markdown_it import MarkdownIt

from .errors import NoteError
from .model import Interview, Person, Problem, Status, Task, TaskStatus

BOM = "\ufeff"

# ---------------------------------------------------------------------------------------------
# YAML 1.2 core, as Obsidian reads it, on PyYAML's C parser.


class Yaml12Loader(yaml.CSafeLoader):
    """CSafeLoader with YAML 1.2 core implicit types.

    `yes`, `no`, `on`, `off` stay strings; `12:30` (YAML 1.1 base 60) and `01234` (YAML 1.1 octal)
    stay strings; dates stay strings, so vaultfu validates them itself and can say which line is
    wrong. Duplicate keys are refused, naming the line.
    """

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012  (a fresh table, filled below)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in seen:
                        raise yaml.constructor.ConstructorError(
                            None,
                            None,
                            f"duplicate key '{key_node.value}'",
                            key_node.start_mark,
                        )
                    seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def _construct_int(loader: yaml.SafeLoader, node: Any) -> int:
    return int(str(loader.construct_scalar(node)).replace("_", ""), 0)


Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)

_YAML = YAMLHandler()

# ---------------------------------------------------------------------------------------------
# Frontmatter: located by hand so every byte offset is exact, parsed by python-frontmatter's
# YAML handler with the loader above.

_OPEN = re.compile(r"---[ \t]*(?:\r\n|\n|\r)")
_CLOSE = re.compile(r"(?<=[\r\n])(?:---|\.\.\.)[ \t]*(?:\r\n|\n|\r(?!\n)|\Z)")
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[\{,:-])[&*]\S", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """Where the frontmatter sits in the text (BOM removed)."""

    yaml: str  # the YAML between the two `---` lines
    first_line: int  # the file line of the YAML's first line (2 when the note starts with ---)
    body_offset: int  # index in the text where the body starts (after the closing line)
    body_line: int  # the file line the body starts on


_BREAK = re.compile(r"\r\n|\n|\r")


def count_breaks(text: str, end: int) -> int:
    """Line breaks (`\\r\\n`, `\\n` or `\\r`, as Markdown counts them) in text[:end]."""
    return len(_BREAK.findall(text, 0, end))


def decode(data: bytes, path: str) -> str:
    """Bytes to text, dropping a UTF-8 BOM. Not UTF-8: a NoteError naming the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NoteError(path, line, "is not UTF-8 text; vaultfu leaves it alone") from None
    return text[1:] if text.startswith(BOM) else text


def find_frontmatter(text: str) -> Block | None:
    """The frontmatter block, as Obsidian finds it: `---` on the very first line, closed by
    `---` (or `...`) on a line of its own. Anything else has no frontmatter."""
    opening = _OPEN.match(text)
    if not opening:
        return None
    close = _CLOSE.search(text, opening.end())
    if not close:
        return None
    yaml_text = text[opening.end() : close.start()]
    return Block(
        yaml=yaml_text,
        first_line=2,
        body_offset=close.end(),
        body_line=count_breaks(text, close.end()) + 1,
    )


def _refuse_anchors(block: Block, path: str) -> None:
    """Anchors and aliases (`&a`, `*a`) are refused, read as parser events only, so that an
    alias bomb is never expanded. Obsidian's properties never use them."""
    if not _ANCHOR_OR_ALIAS.search(block.yaml):
        return
    for event in yaml.parse(block.yaml, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            line = block.first_line + mark.line if mark else None
            raise NoteError(
                path,
                line,
                "frontmatter uses YAML anchors or aliases (&…, *…); write the values out",
            )


def load_frontmatter(block: Block, path: str) -> dict[str, Any] | None:
    """The frontmatter's mapping, or None when it holds none (a `---` rule with prose, or
    nothing). A list where properties belong is an error."""
    try:
        _refuse_anchors(block, path)
        data = _YAML.load(block.yaml, Loader=Yaml12Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = block.first_line + mark.line if mark else None
        problem = exc.problem or exc.context or "is not valid YAML"
        raise NoteError(path, line, f"frontmatter is not valid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        line = block.first_line + count_breaks(block.yaml, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"frontmatter holds a character YAML does not allow (U+{code:04X})"
        raise NoteError(path, line, message) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "is not valid YAML"
        raise NoteError(path, None, f"frontmatter is not valid YAML: {first}") from None
    if isinstance(data, list):
        raise NoteError(
            path, block.first_line, "frontmatter is a list; properties are written `key: value`"
        )
    return data if isinstance(data, dict) else None


def key_line(block: Block, key: str) -> int | None:
    """The file line of a top-level key, for messages."""
    pattern = re.compile(rf"^['\"]?{re.escape(key)}['\"]?[ \t]*:", re.MULTILINE)
    found = pattern.search(block.yaml)
    if not found:
        return None
    return block.first_line + count_breaks(block.yaml, found.start())


def might_be(text: str, word: str) -> bool:
    """Cheap pre-filter: can this note's frontmatter say `word` at all? Skips the YAML parse of
    the thousands of ordinary notes in a vault."""
    if not text.startswith("---"):
        return False
    end = text.find("\n---", 3)
    head = text[: end if end != -1 else len(text)]
    return word.casefold() in head.casefold()


# ---------------------------------------------------------------------------------------------
# Markdown structure: tasks and headings, found with markdown-it-py so that code blocks are code.


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


# ---------------------------------------------------------------------------------------------
# Interview facts.

_ANGLE = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>@\s]+@[^<>\s]+)>\s*$")
_LINK = re.compile(r"^\s*\[\[(?P<target>[^\]|#]+)(?:#[^\]|]*)?(?:\|(?P<alias>[^\]]+))?\]\]\s*$")


def link_target(value: str) -> str | None:
    """`[[Jane Doe|Jane]]` → `Jane Doe`; anything else → None."""
    found = _LINK.match(value)
    return found.group("target").strip() if found else None


def plain(value: str) -> str:
    """A text property that may be a link, shown as text: `[[Acme Corp]]` → `Acme Corp`."""
    found = _LINK.match(value)
    if not found:
        return value.strip()
    return (found.group("alias") or found.group("target")).strip()


class _Fields:
    """Reads and validates one note's frontmatter values, raising NoteError with the key's line."""

    def __init__(self, data: dict[str, Any], block: Block, path: str) -> None:
        self.data = data
        self.block = block
        self.path = path

    def fail(self, key: str, message: str) -> NoteError:
        return NoteError(self.path, key_line(self.block, key), message)

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
            value = f"[[{value[0][0]}]]" if value[0] else ""  # an unquoted [[link]]
        if isinstance(value, bool | dict | list):
            raise self.fail(key, f"'{key}' should be text, not {type(value).__name__}")
        return str(value).strip()

    def flag(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        raise self.fail(key, f"'{key}' should be true or false, not {value!r}")

    def day(self, key: str) -> dt.date | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        try:
            if isinstance(value, str) and len(value.strip()) >= 10:
                return dt.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            pass
        raise self.fail(key, f"'{key}' is not a date: {value!r} (write YYYY-MM-DD)")

    def moment(self, key: str) -> dt.datetime | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            raw = value.strip()
            try:
                if len(raw) == 10:  # a date alone means end of day
                    return dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(23, 59))
                if len(raw) > 10:
                    return dt.datetime.fromisoformat(raw).replace(tzinfo=None)
            except ValueError:
                pass
        raise self.fail(
            key, f"'{key}' is not a date: {value!r} (write YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
        )

    def people(self, key: str) -> tuple[Person, ...]:
        value = self.data.get(key)
        if value is None or value == "":
            return ()
        items = value if isinstance(value, list) else [value]
        people = []
        for item in items:
            person = _person(item)
            if person is None:
                raise self.fail(
                    key,
                    f"'{key}' has an entry vaultfu cannot read: {item!r} "
                    '(write "Name <email>", "[[Person note]]" or {name: …, email: …})',
                )
            people.append(person)
        return tuple(people)

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None or value == "":
            return ()
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str | int | float) for item in items):
            raise self.fail(key, f"'{key}' should be a list of text")
        return tuple(str(item).strip() for item in items if str(item).strip())


def _person(item: Any) -> Person | None:
    if isinstance(item, list) and len(item) == 1 and isinstance(item[0], list) and item[0]:
        item = f"[[{item[0][0]}]]"  # `- [[Sam Roe]]` unquoted parses as a nested list
    if isinstance(item, str):
        target = link_target(item)
        if target:
            return Person(name=plain(item), link=target)
        found = _ANGLE.match(item)
        if found:
            name = found.group("name").strip().strip("\"'") or found.group("email")
            return Person(name=name, email=found.group("email"))
        return Person(name=item.strip()) if item.strip() else None
    if isinstance(item, dict):
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            return None
        fields = {
            k: str(item[k]).strip() for k in ("email", "phone", "title", "linkedin") if item.get(k)
        }
        target = link_target(name)
        return Person(name=plain(name), link=target, **fields)
    return None


def person_from(name: str, link: str | None, data: dict[str, Any] | None) -> Person:
    """A person note's frontmatter (email, phone, title, linkedin) merged into a Person."""
    fields: dict[str, str] = {}
    for key in ("email", "phone", "title", "linkedin"):
        value = (data or {}).get(key)
        if isinstance(value, str | int) and str(value).strip():
            fields[key] = str(value).strip()
    return Person(name=name, link=link, **fields)


def is_interview(data: dict[str, Any], type_key: str, type_value: str) -> bool:
    value = data.get(type_key)
    wanted = type_value.casefold()
    if isinstance(value, str):
        return value.strip().casefold() == wanted
    if isinstance(value, list):
        return any(isinstance(v, str) and v.strip().casefold() == wanted for v in value)
    return False


def parse_interview(
    data: dict[str, Any], block: Block, body: str, path: str
) -> tuple[Interview, tuple[Problem, ...]]:
    """The facts of an interview note from its frontmatter and body. Raises NoteError for a
    value that is wrong; returns lesser problems (a task with a bad date) beside the Interview."""
    f = _Fields(data, block, path)
    company = f.text("company")
    role = f.text("role")
    application = f.text("application")
    if not company:
        raise NoteError(path, key_line(block, "company") or block.first_line, "has no 'company'")
    if not role and not application:
        raise NoteError(path, key_line(block, "role") or block.first_line, "has no 'role'")
    date = f.moment("date")
    raw_status = f.text("status")
    if raw_status is None:
        status = Status.SCHEDULED  # a past interview with no status counts as waiting
    else:
        try:
            status = Status(raw_status.casefold())
        except ValueError:
            known = ", ".join(s.value for s in Status)
            raise f.fail("status", f"status '{raw_status}' is not one of: {known}") from None
    contact = (f.text("contact") or "email").casefold()
    if contact not in ("email", "phone", "either"):
        raise f.fail("contact", f"contact '{contact}' is not one of: email, phone, either")
    priority_value = data.get("priority")
    if priority_value is not None and (
        isinstance(priority_value, bool) or not isinstance(priority_value, int)
    ):
        raise f.fail(
            "priority",
            f"priority should be a whole number (1 = first choice), not {priority_value!r}",
        )
    structure = find_tasks(body, block.body_line, path)
    interview = Interview(
        path=path,
        company=plain(company),
        role=plain(role) if role else "",
        date=date,
        status=status,
        round=f.text("round"),
        final_round=bool(f.flag("final_round")),
        interviewers=f.people("interviewers"),
        references=f.people("references"),
        decision_by=f.day("decision_by"),
        follow_up_on=f.day("follow_up_on"),
        contact=contact,
        no_calls=bool(f.flag("no_calls")),
        status_date=f.day("status_date"),
        offer_deadline=f.day("offer_deadline"),
        priority=priority_value,
        topics=f.texts("topics"),
        connect=bool(f.flag("connect")),
        keep_in_touch=bool(f.flag("keep_in_touch")),
        thank_you_note=f.flag("thank_you_note"),
        application=application,
        tasks=structure.tasks,
    )
    return interview, structure.problems
