"""Odd names through every command: each link, heading, comment, tag and field vaultfu writes is
checked against the rules of `vaultfu/safe.py`, while the drafts keep the real names."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from vaultfu import safe
from vaultfu.body import parse_task_text
from vaultfu.cli import main

from .conftest import Vault

NAMES = [
    ("Ann #1 | Lee", "Pipe #1 | Co"),
    ("Tag #urgent", "Hash #Co"),
    ("Zed %%x%% ]]Q", "Percent %% Co"),
    ("Key:: Value", "Field:: Co"),
    ("Brack [Et] ^Caret", "Colon: Co [x] ^y"),
    ("Émoji 🎉 Ünï", "Ünïcode 🚀 Co"),
    ("דנה כהן", "שלום בע״מ"),
]
OWN_COMMENT = re.compile(
    r"%% vaultfu (?:draft|mail) [^%\n]* %%|%% vaultfu:(?:begin|end)[^%\n]*%%|%% [^%\n]*%%"
)
TASKS_TAG = re.compile(r"(^|\s)#[^ !@#$%^&*(),.?\":{}|<>]+")  # the Tasks plugin's hashTags
DATAVIEW_FIELD = re.compile(r"[\[(][^\[\]()]*?::|^\s*(?:[-*+] (?:\[.\] )?)?[^\s:][^:]*::")
WIKILINK = re.compile(r"\[\[([^\]]*?)\]\]")
MDLINK = re.compile(r"\]\(([^)\s]+)\)")


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def odd(vault: Vault) -> Vault:
    root = str(vault.root)
    cli("init", root)
    for number, (person, company) in enumerate(NAMES):
        cli(
            "new", "--vault", root, "--company", company, "--role", "Eng",
            "--date", f"2026-11-{10 + number}T10:00",
            "--interviewer", f"{person} <p{number}@example.com>",
        )  # fmt: skip
    made_by_hand = "Interviews/Odd #1 %% [x] ^y | z.md"  # a name no wikilink can hold
    vault.write(made_by_hand, "---\ntype: interview\ncompany: Odd\nrole: Eng\n"
                "date: 2026-11-23T10:00\ninterviewers: [Ada <ada@odd.example>]\n"
                "status: waiting\n---\n")  # fmt: skip
    cli("agenda", root, "--today", "2026-11-24")
    return vault


def headings(text: str) -> set[str]:
    return {line.lstrip("#").strip() for line in text.splitlines() if line.startswith("##")}


def check_markup(v: Vault, rel: str) -> None:
    text = v.read(rel)
    body = text.split("\n---\n", 1)[-1] if text.startswith("---\n") else text
    for number, line in enumerate(body.splitlines(), 1):
        where = f"{rel}: {line!r}"
        rest = OWN_COMMENT.sub("", line)
        assert "%%" not in rest, f"an open comment: {where}"
        for target in WIKILINK.findall(line):
            link = target.split("|", 1)[0]
            if link.startswith("#"):  # a heading of this note
                assert link[1:] in headings(text), f"no such heading: {where}"
                assert not re.search(r"[#|^\[\]]", link[1:]), where
            else:
                assert not re.search(r"[#^\[\]]", link), where
                found = list(v.root.rglob(f"{Path(link).name}.md"))
                assert found, f"no such note: {where}"
        for target in MDLINK.findall(line):
            if target.startswith("mailto:"):
                continue
            assert (v.root / unquote(target)).is_file(), f"no such file: {where}"
        if re.match(r"\s*- \[.\] ", line):  # a task line, as the Tasks plugin reads it
            assert not TASKS_TAG.search(line), f"a tag: {where}"
        if line.lstrip().startswith("- "):
            assert not DATAVIEW_FIELD.search(line), f"a Dataview field: {where}"
        del number


def test_odd_names_make_safe_markup_everywhere(odd: Vault) -> None:
    notes = sorted(str(p.relative_to(odd.root)) for p in (odd.root / "Interviews").rglob("*.md"))
    assert len(notes) == len(NAMES) + 1
    for rel in notes:
        if "Odd" not in rel:
            assert "%%" not in rel and not re.search(r"[#|^\[\]]", rel)  # names from `new`
        check_markup(odd, rel)
    check_markup(odd, "Agenda.md")
    agenda = odd.read("Agenda.md")
    assert "Follow up with Tag \\#urgent at Hash \\#Co (Eng)" in agenda
    assert "(Interviews/Odd%20%231%20%25%25%20%5Bx%5D%20%5Ey%20%7C%20z.md)" in agenda


def test_drafts_keep_the_real_names(odd: Vault) -> None:
    texts = "\n".join(p.read_text() for p in (odd.root / "Interviews").rglob("*.md"))
    for person, company in NAMES:
        first = person.split()[0]
        assert f"Hi {first}," in texts, person
        assert company in texts


def test_done_draft_ics_and_json_with_odd_names(odd: Vault) -> None:
    root = str(odd.root)
    listed = cli("done", "--vault", root, "--today", "2026-11-24")
    ident = next(x.split()[0] for x in listed.splitlines() if "Ann" in x)
    cli("done", ident, "--vault", root, "--today", "2026-11-24")
    for rel in [str(p.relative_to(odd.root)) for p in odd.root.rglob("*.md")]:
        check_markup(odd, rel)
    from icalendar import Calendar

    cal = Calendar.from_ical(cli("ics", root, "--today", "2026-11-24"))
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert any("Ann #1 | Lee" in s for s in summaries)  # a calendar shows the real name


def test_draft_and_watch_with_odd_names(odd: Vault) -> None:
    from .test_watch import watching

    root = str(odd.root)
    note = next(p for p in (odd.root / "Interviews").rglob("*.md") if "Percent" in p.name)
    cli("draft", str(note), "--vault", root, "--today", "2026-11-24", "--kind", "status-check",
        "--force")  # fmt: skip
    with watching(odd):
        pass  # a first pass over the whole vault, as `vaultfu watch` makes it
    for rel in [str(p.relative_to(odd.root)) for p in odd.root.rglob("*.md")]:
        check_markup(odd, rel)
    assert "Percent %\u2060% Co" in note.read_text()  # the real name, with no comment in it


@pytest.mark.parametrize("name", ["Acme 🆔0", "Acme ⏫", "Acme 📅 2026-01-01", "Acme 🔁 every day"])
def test_a_tasks_field_sign_in_a_name_is_no_field_of_the_line(name: str) -> None:
    """The Tasks plugin takes fields from the end of a line again and again: a sign in a name
    next to the fields would be read as one (another id, a priority, a date)."""
    task, _ = parse_task_text(f"[ ] {safe.text(name)} 📅 2026-11-24 🆔 vf-0123456789", 1, "n.md")
    assert task is not None and task.id == "vf-0123456789"
    assert task.due == dt.date(2026, 11, 24) and not task.recurs
    assert task.text.replace(safe.WORD_JOINER, "") == name  # it looks the same
