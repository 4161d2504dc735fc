"""Read an interview note's facts from its text: which notes are interviews, and what they say
(pure)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .body import DEFAULT_STATUSES, Statuses, find_drafts, find_mail, find_tasks, status_table
from .config import Config
from .errors import NoteError
from .front import (
    BOM,
    Block,
    count_breaks,
    decode,
    find_frontmatter,
    key_line,
    load_frontmatter,
    might_be,
)
from .model import Interview, Person, Problem, Status, application_key

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


FORMATS = {"phone": "phone", "video": "video", "onsite": "onsite", "on-site": "onsite"}
FORMATS |= {"in person": "onsite", "in-person": "onsite", "remote": "video"}


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

    def choice(self, key: str, known: dict[str, str]) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        found = known.get(value.strip().casefold())
        if found is None:
            names = ", ".join(sorted(set(known.values())))
            raise self.fail(key, f"{key} '{value}' is not one of: {names}")
        return found

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
        said = item.get("topics")
        said = [said] if isinstance(said, str) else said if isinstance(said, list) else []
        topics = tuple(str(t).strip() for t in said if isinstance(t, str | int) and str(t).strip())
        target = link_target(name)
        return _contact(plain(name), target, fields, topics=topics)
    return None


def person_from(name: str, link: str | None, data: dict[str, Any] | None) -> Person:
    """A person note's frontmatter (email, phone, title, linkedin) merged into a Person."""
    fields: dict[str, str] = {}
    for key in ("email", "phone", "title", "linkedin"):
        value = (data or {}).get(key)
        if isinstance(value, str | int) and str(value).strip():
            fields[key] = str(value).strip()
    return _contact(name, link, fields)


def _contact(name: str, link: str | None, fields: dict[str, str], **more: Any) -> Person:
    get = fields.get
    return Person(
        name, get("email"), get("phone"), get("title"), get("linkedin"), link=link, **more
    )


def is_interview(data: dict[str, Any], type_key: str, type_value: str) -> bool:
    value = data.get(type_key)
    wanted = type_value.casefold()
    if isinstance(value, str):
        return value.strip().casefold() == wanted
    if isinstance(value, list):
        return any(isinstance(v, str) and v.strip().casefold() == wanted for v in value)
    return False


KEYS = frozenset(
    {
        *("application", "company", "connect", "contact", "date", "decision_by"),
        *("final_round", "follow_up_on", "format", "interviewers", "keep_in_touch"),
        *("no_calls", "offer_deadline", "priority", "references", "role", "round"),
        *("status", "status_date", "thank_you_note", "topics"),
    }
)  # the keys an interview note's frontmatter is read for (with the type's key)


def _spelling(key: str) -> str:
    return key.strip().casefold().replace("-", "_").replace(" ", "_")


_SPELT = {_spelling(key): key for key in KEYS}


def _misspelt_keys(data: dict[str, Any], type_key: str) -> list[tuple[str, str]]:
    """(the key as written, the key vaultfu reads) for each key of an interview note written
    otherwise than vaultfu reads it (`Status`, `Decision by`, `follow-up-on`), when the note
    does not have the right one too: read as nothing, it would plan the note on facts the user
    did not give (an offer chased as a wait)."""
    wrong = []
    for key in data:
        if not isinstance(key, str) or key in KEYS or key == type_key:
            continue  # (most keys: read as they are, or the user's own)
        spelling = _spelling(key)
        right = type_key if spelling == _spelling(type_key) else _SPELT.get(spelling)
        if right is not None and right not in data:
            wrong.append((key, right))
    return wrong


def _misspelt(path: str, block: Block, key: str, right: str) -> NoteError:
    return NoteError(
        path,
        key_line(block, key) or block.first_line,
        f"'{key}' is not a key vaultfu reads: write it `{right}` (keys are lowercase, with _)",
    )


def parse_interview(
    data: dict[str, Any],
    block: Block,
    body: str,
    path: str,
    statuses: Statuses = DEFAULT_STATUSES,
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
    structure = find_tasks(body, block.body_line, path, statuses)
    interview = Interview(
        path=path,
        company=plain(company),
        role=plain(role) if role else "",
        date=date,
        status=status,
        round=f.text("round"),
        format=f.choice("format", FORMATS),
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
        status_date_line=key_line(block, "status_date"),
        drafts=find_drafts(body, block.body_line),
        mail=find_mail(body, block.body_line),
    )
    return interview, structure.problems


# ---------------------------------------------------------------------------------------------
# Which notes are interview notes.


def parse_one(
    rel: str, data: bytes, config: Config
) -> tuple[Interview, tuple[Problem, ...]] | None:
    """One note's bytes → its interview facts, or None when it is not an interview note."""
    text = candidate_text(rel, data, config)
    return None if text is None else parse_text(rel, text, config)


def candidate_text(rel: str, data: bytes, config: Config) -> str | None:
    """The text of a note that may be an interview note, or None.

    Most notes of a vault are not interviews: those whose frontmatter cannot even contain the
    type's value are passed over on their bytes, without decoding or parsing them."""
    start = 3 if data.startswith(BOM.encode()) else 0
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: say so when it is an interview
        text = data.decode("utf-16", "replace")
        if might_be(text.lstrip(BOM), config.type_value):
            raise NoteError(rel, 1, "is UTF-16 text; vaultfu reads UTF-8 notes only")
        return None
    if data[start : start + 3] != b"---":
        return None
    word = config.type_value.encode("utf-8")
    if word.isascii():
        end = data.find(b"\n---", start + 3)
        if word.lower() not in data[start : end if end != -1 else len(data)].lower():
            return None
    return decode(data, rel)


def parse_text(rel: str, text: str, config: Config) -> tuple[Interview, tuple[Problem, ...]] | None:
    if not might_be(text, config.type_value):
        return None
    block = find_frontmatter(text)
    if block is None:
        if re.search(
            rf"^{re.escape(config.type_key)}[ \t]*:[ \t]*['\"]?{re.escape(config.type_value)}\b",
            text,
            re.MULTILINE | re.IGNORECASE,
        ):
            message = "its frontmatter starts with `---` but no `---` line closes it"
            raise NoteError(rel, 1, message)
        return None
    conflict = conflict_line(text)
    try:
        fields = load_frontmatter(block, rel)
    except NoteError as exc:  # its YAML does not parse: the lines that still read name it
        exc.application = _application_of_lines(block.yaml, config)
        if conflict is not None:  # (a conflict in the frontmatter breaks its YAML)
            raise _conflicted(rel, conflict, exc.application) from None
        raise
    if fields is None:
        return None
    wrong = _misspelt_keys(fields, config.type_key)
    if not is_interview(fields, config.type_key, config.type_value):
        typed = [(key, right) for key, right in wrong if right == config.type_key]
        if not typed or not is_interview(
            {config.type_key: fields[typed[0][0]]}, config.type_key, config.type_value
        ):
            return None
        wrong = typed  # `Type: interview`: say so
    if conflict is not None:
        raise _conflicted(rel, conflict, _application_of(fields, block, rel))
    if wrong:
        error = _misspelt(rel, block, *wrong[0])
        error.application = _application_of(fields, block, rel)
        raise error
    try:
        statuses = status_table(config.task_statuses)
        return parse_interview(fields, block, text[block.body_offset :], rel, statuses)
    except NoteError as exc:
        exc.application = _application_of(fields, block, rel)
        raise


_CONFLICT = re.compile(
    r"^<{7}(?:[ \t][^\r\n]*)?\r?$.*?^={7}[ \t]*\r?$.*?^>{7}(?:[ \t][^\r\n]*)?\r?$",
    re.MULTILINE | re.DOTALL,
)


def conflict_line(text: str) -> int | None:
    """The line of the first `<<<<<<<` of a merge conflict left in a note (git's markers, its
    `=======` and `>>>>>>>` lines below), or None."""
    if "<<<<<<<" not in text:
        return None
    found = _CONFLICT.search(text)
    return None if found is None else count_breaks(text, found.start()) + 1


def _conflicted(rel: str, line: int, application: str | None) -> NoteError:
    """An interview note holding a merge conflict: left alone, with its application, until the
    user resolves it (any line vaultfu wrote there could land in the side that is dropped)."""
    message = (
        "holds an unresolved merge conflict (its `<<<<<<<` line): resolve it, and vaultfu "
        "reads the note again; until then it is left as it is"
    )
    error = NoteError(rel, line, message)
    error.application = application
    return error


def _application_of(data: dict[str, Any], block: Block, path: str) -> str | None:
    """The application of an interview note refused for another value, when it reads."""
    f = _Fields(data, block, path)
    try:
        company, role, application = f.text("company"), f.text("role"), f.text("application")
    except NoteError:
        return None
    return _key_of(company, role, application)


def _key_of(company: str | None, role: str | None, application: str | None) -> str | None:
    """The application of a note that names its company and its role (or application)."""
    if not company or not (role or application):
        return None
    return application_key(plain(company), plain(role) if role else "", application)


_SIMPLE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*):[ \t]+(?P<value>[^\r\n]*?)[ \t]*\r?$", re.M)
BARE_LINK = re.compile(r"\[\[[^\[\]\r\n]+\]\]")  # `company: [[Acme]]`, unquoted


def _application_of_lines(yaml: str, config: Config) -> str | None:
    """The application of an interview note whose YAML does not parse, from its top-level
    `key: value` lines read on their own, when its type, company and role (or application)
    lines are plain text or quoted: the note is then left alone with its application, not
    taken for gone (another round's note chased in its stead)."""
    found: dict[str, str] = {}
    for line in _SIMPLE.finditer(yaml):
        value = line.group("value")
        if value[:1] in ("'", '"'):
            quote = value[0]
            if len(value) < 2 or not value.endswith(quote) or quote in value[1:-1]:
                continue
            value = value[1:-1]
        elif BARE_LINK.fullmatch(value):
            pass
        elif value[:1] in tuple("[]{}|>&*!%@`#,?:-") or " #" in value or ": " in value:
            continue  # not plain text
        found.setdefault(line.group("key"), value.strip())
    kind = found.get(config.type_key, "")
    if kind.casefold() != config.type_value.casefold():
        return None
    return _key_of(found.get("company"), found.get("role"), found.get("application"))
