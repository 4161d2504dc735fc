"""Parsing one note from its text: frontmatter (YAML 1.2 core), people, tasks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultfu.body import parse_structure, parse_task_text
from vaultfu.config import Config
from vaultfu.errors import NoteError
from vaultfu.front import decode, find_frontmatter, load_frontmatter
from vaultfu.model import Status, TaskStatus
from vaultfu.notes import parse_one

from .conftest import ACME, interview, note


def fields(yaml_text: str) -> dict[str, object]:
    block = find_frontmatter(f"---\n{yaml_text}---\n")
    assert block is not None
    data = load_frontmatter(block, "n.md")
    assert data is not None
    return data


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("12:30", "12:30"),
        ("01234", "01234"),
        ("2026-11-20", "2026-11-20"),
        ("true", True),
        ("false", False),
        ("12", 12),
        ("0x1f", 31),
        ("1.5", 1.5),
        ("null", None),
        ("~", None),
    ],
)
def test_yaml_12_core_meaning(raw: str, expected: object) -> None:
    assert fields(f"v: {raw}\n")["v"] == expected


def test_loader_is_the_c_loader() -> None:
    import yaml

    from vaultfu.front import Yaml12Loader

    assert issubclass(Yaml12Loader, yaml.CSafeLoader)


def test_bom_and_crlf_note_parses() -> None:
    text = "\ufeff" + note(ACME).replace("\n", "\r\n")
    found = parse_one("a.md", text.encode("utf-8"), Config())
    assert found is not None
    got = found[0]
    assert got.company == "Acme Corp"
    assert got.date == dt.datetime(2026, 11, 20, 14, 0)
    assert got.interviewers[0].email == "jane@acme.com"


@pytest.mark.parametrize(
    "text",
    [
        "---\n\nA note that starts with a horizontal rule about an interview.\n",
        "---\nJust prose about an interview\n---\nbody\n",
        "---\n---\ninterview\n",
        "No frontmatter, type: interview\n",
        "---\ntype: meeting\nabout: interview prep\n---\n",
    ],
)
def test_notes_that_are_not_interviews(text: str) -> None:
    assert parse_one("a.md", text.encode(), Config()) is None


def test_custom_type_key_and_value() -> None:
    text = note(ACME).replace("type: interview", "kind: Job-Interview")
    config = Config(type_key="kind", type_value="job-interview")
    assert parse_one("a.md", text.encode(), config) is not None
    assert parse_one("a.md", text.encode(), Config()) is None


def test_people_in_every_form() -> None:
    got = interview(
        """
        ---
        type: interview
        company: "[[Acme Corp]]"
        role: Engineer
        interviewers:
          - Jane Doe <jane@acme.com>
          - "[[Sam Roe]]"
          - [[Unquoted Link]]
          - {name: Kim Lee, email: kim@acme.com, phone: "555"}
          - Plain Name
        references: "[[Bob Smith|Bob]]"
        ---
        """
    )
    people = got.interviewers
    assert [p.name for p in people] == [
        "Jane Doe",
        "Sam Roe",
        "Unquoted Link",
        "Kim Lee",
        "Plain Name",
    ]
    assert people[1].link == "Sam Roe" and people[1].email is None
    assert people[3].phone == "555"
    assert got.references[0].link == "Bob Smith" and got.references[0].name == "Bob"
    assert got.company == "Acme Corp"


def test_date_alone_means_end_of_day() -> None:
    got = interview(note(ACME).replace("2026-11-20T14:00", "2026-11-20"))
    assert got.date == dt.datetime(2026, 11, 20, 23, 59)


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("date: 2026-11-20T14:00", "date: 2026-13-40"), 5, "'date' is not a date"),
        (("status: waiting", "status: ghosted"), 8, "status 'ghosted' is not one of"),
        (("role: Senior Backend Engineer", "role: x\nrole: y"), 5, "duplicate key 'role'"),
        (("status: waiting", "status: [waiting"), 9, "not valid YAML"),
        (
            ("status: waiting", "status: waiting\ndecision_by: soon"),
            9,
            "'decision_by' is not a date",
        ),
        (("status: waiting", "status: waiting\nfinal_round: yes"), 9, "true or false"),
        (("status: waiting", "status: waiting\npriority: first"), 9, "whole number"),
        (("status: waiting", "status: waiting\ncontact: pigeon"), 9, "contact 'pigeon'"),
        (("company: Acme Corp\n", ""), 2, "has no 'company'"),
        # a key written otherwise than vaultfu reads it: read as nothing, the note would be
        # planned on facts the user did not give (the offer chased as a wait)
        (("status: waiting", "Status: offer"), 8, "'Status' is not a key vaultfu reads: write"),
        (("company: Acme", "Company: Acme"), 3, "write it `company`"),
        (("status: waiting", "status: waiting\nDecision by: 2026-12-01"), 9, "`decision_by`"),
        (("status: waiting", "status: waiting\nfollow-up-on: 2026-12-01"), 9, "`follow_up_on`"),
        (("type: interview", "Type: interview"), 2, "'Type' is not a key vaultfu reads"),
        # the type's key said first, also when another key above it is written otherwise
        (("type: interview", "Decision by: 2026-12-01\nType: interview"), 3, "'Type' is not"),
    ],
)
def test_wrong_values_name_the_line(change: tuple[str, str], line: int, words: str) -> None:
    text = note(ACME).replace(*change)
    with pytest.raises(NoteError) as caught:
        parse_one("Interviews/a.md", text.encode(), Config())
    assert caught.value.line == line
    assert words in caught.value.message
    assert str(caught.value).startswith(f"Interviews/a.md:{line}: ")


def test_a_key_of_the_users_own_or_both_spellings_is_no_problem() -> None:
    """Keys vaultfu does not read are the user's (`Tags`, `Salary`); a key written both ways
    (`status` and `Status`) reads from the one vaultfu reads; a note whose `Type` is not the
    interview type is no interview note, and no problem."""
    more = "status: waiting\nTags: [job]\nSalary: 100k\nStatus: offer"
    got = interview(note(ACME).replace("status: waiting", more))
    assert got.status.value == "waiting"
    other = note(ACME).replace("type: interview", "Type: meeting")
    assert parse_one("Interviews/a.md", other.encode(), Config()) is None


@pytest.mark.parametrize(
    ("frontmatter", "line", "words"),
    [
        ("- type: interview\n- company: Acme\n", 2, "is a list"),
        ("type: interview\ncompany: &c Acme\nrole: *c\n", 3, "anchors or aliases"),
        ("type: interview\nrole: *nix admin\n", 3, "anchors or aliases"),
        ("type: interview\n\tcompany: Acme\n", 3, "not valid YAML"),
        ("type: interview\ncompany: Acme\nrole: x\ndate: 14:00\n", 5, "'date' is not a date"),
        ("type: interview\ncompany: Acme\x00\n", 3, "character YAML does not allow"),
        # a copy of the template whose placeholders Obsidian's Templates did not fill in
        (
            "type: interview\ndate: {{date:YYYY-MM-DD}}T{{time:HH:mm}}\n",
            3,
            "{{date:YYYY-MM-DD}} is a template's placeholder",
        ),
        ("type: interview\ncompany: {{title}}\n", 3, "{{title}} is a template's placeholder"),
    ],
)
def test_frontmatter_traps_are_problems_with_a_line(
    frontmatter: str, line: int, words: str
) -> None:
    with pytest.raises(NoteError) as caught:
        parse_one("a.md", f"---\n{frontmatter}---\nbody\n".encode(), Config())
    assert caught.value.line == line and words in caught.value.message


def test_an_alias_bomb_is_refused_before_it_is_expanded() -> None:
    bomb = 'type: interview\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        bomb += f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [{', '.join(['*' + prev] * 9)}]\n"
    with pytest.raises(NoteError, match="anchors or aliases") as caught:
        parse_one("a.md", f"---\n{bomb}---\n".encode(), Config())  # 9**9 items if expanded
    assert caught.value.line == 3


def test_cr_only_line_endings_are_read() -> None:
    text = note(ACME).replace("\n", "\r")
    found = parse_one("a.md", text.encode(), Config())
    assert found is not None and found[0].company == "Acme Corp"


def test_python_tags_are_refused_not_constructed() -> None:
    text = note(ACME).replace(
        "status: waiting", "status: !!python/object/apply:os.system ['echo hi']"
    )
    with pytest.raises(NoteError) as caught:
        parse_one("a.md", text.encode(), Config())
    assert "not valid YAML" in caught.value.message


def test_not_utf8_names_the_line() -> None:
    with pytest.raises(NoteError) as caught:
        decode(b"---\ntype: interview\ncompany: Caf\xe9\n---\n", "a.md")
    assert caught.value.line == 3


def test_tasks_found_with_markdown_not_regex() -> None:
    body = note(
        """
        # Heading

        - [ ] Open task 📅 2026-11-22
        - [x] Done task ✅ 2026-11-21 🆔 vf-abc
        - [-] Cancelled ❌ 2026-11-20
        * [X] Star bullet
        1. [ ] Numbered ⏳ 2026-11-25 🛫 2026-11-23
        - not a task
        - [ ]no space is not a task

        ```
        - [ ] inside a fence is not a task
        ```

            - [ ] indented code is not a task

        > - [ ] quoted task counts
        """
    )
    found = parse_structure(body, 10, "a.md")
    tasks = found.tasks
    assert [t.description for t in tasks] == [
        "Open task",
        "Done task",
        "Cancelled",
        "Star bullet",
        "Numbered",
        "quoted task counts",
    ]
    assert tasks[0].line == 12 and tasks[0].due == dt.date(2026, 11, 22)
    assert tasks[1].status is TaskStatus.DONE and tasks[1].id == "vf-abc"
    assert tasks[1].done == dt.date(2026, 11, 21) and tasks[1].is_vaultfu
    assert tasks[2].status is TaskStatus.CANCELLED and tasks[2].cancelled == dt.date(2026, 11, 20)
    assert tasks[4].scheduled == dt.date(2026, 11, 25) and tasks[4].start == dt.date(2026, 11, 23)
    assert [h.title for h in found.headings] == ["Heading"]


def test_task_with_a_bad_date_is_a_problem_not_a_crash() -> None:
    task, problem = parse_task_text("[ ] Call 📅 2026-02-30", 7, "a.md")
    assert task is not None and task.due is None
    assert problem is not None and problem.line == 7 and "2026-02-30" in problem.message


def test_tasks_in_an_interview_note_have_file_lines() -> None:
    text = note(ACME) + "\n- [ ] Send the writing sample 📅 2026-11-22\n"
    got = interview(text)
    assert len(got.tasks) == 1
    assert (
        got.tasks[0].line
        == note(text).split("\n").index("- [ ] Send the writing sample 📅 2026-11-22") + 1
    )


def test_missing_status_is_scheduled() -> None:
    got = interview(note(ACME).replace("status: waiting\n", ""))
    assert got.status is Status.SCHEDULED


@pytest.mark.parametrize(
    ("head", "application"),
    [
        ('company: Acme Corp\nrole: SRE\nstatus: "waiting\n', "acme corp|sre"),
        ("company: \"[[Acme Corp]]\"\nrole: 'SRE'\nstatus: [oops\n", "acme corp|sre"),
        ("company: [[Acme Corp|Acme]]\nrole: SRE  \nx: {\n", "acme|sre"),
        ("company: Acme\napplication: Acme platform\nx: [\n", "acme platform"),
        ("company: Acme # the old name\nrole: SRE\nx: [\n", None),  # a comment: not plain
        ('company: "Acme\nrole: SRE\n', None),  # the broken line is the company's
        ("company: Acme\nx: [\n", None),  # no role
        ("company: Acme\r\nrole: SRE\r\nx: [\r\n", "acme|sre"),  # saved on Windows
    ],
)
def test_a_note_whose_yaml_does_not_parse_names_its_application_when_its_lines_read(
    head: str, application: str | None
) -> None:
    text = f"---\ntype: interview\n{head}---\n"
    with pytest.raises(NoteError) as refused:
        parse_one("Interviews/n.md", text.encode(), Config())
    assert "not valid YAML" in refused.value.message
    assert refused.value.application == application


def test_a_note_of_another_type_whose_yaml_does_not_parse_names_no_application() -> None:
    text = "---\ntype: person\ntags: [interview]\ncompany: Acme\nrole: SRE\nx: [\n---\n"
    with pytest.raises(NoteError) as refused:
        parse_one("People/n.md", text.encode(), Config())
    assert refused.value.application is None


def _frontmatter_by_lines(text: str) -> tuple[str, int, int] | None:
    """Obsidian's rule, line by line: `---` (trailing blanks allowed) on the first line, closed
    by the next line that is `---` or `...` (trailing blanks allowed); (yaml, body offset, body
    line)."""
    lines = re.findall(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$", text)
    if not lines or not re.fullmatch(r"---[ \t]*(?:\r\n|\n|\r)", lines[0]):
        return None
    offset = len(lines[0])
    for line in lines[1:]:
        if re.fullmatch(r"(?:---|\.\.\.)[ \t]*", line.rstrip("\r\n")):
            end = offset + len(line)
            return text[len(lines[0]) : offset], end, len(re.findall(r"\r\n|\n|\r", text[:end])) + 1
        offset += len(line)
    return None


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["---", "...", "--- ", "-- -", "a: 1", " ---", "\t", "\n", "\r", "\r\n"]),
        max_size=12,
    )
)
def test_the_frontmatter_is_found_as_obsidian_reads_it_line_by_line(pieces: list[str]) -> None:
    text = "".join(pieces)
    block = find_frontmatter(text)
    expected = _frontmatter_by_lines(text)
    found = None if block is None else (block.yaml, block.body_offset, block.body_line)
    assert found == expected, repr(text)
