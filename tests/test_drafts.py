"""Drafts rendered from the shipped templates, in a sandbox; placeholders, never None."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import msgspec
import pytest

from vaultfu import vault
from vaultfu.drafts import DraftError, draft_section, heading, render
from vaultfu.model import Action, Channel, Interview, Kind, Person, Status

FULL = Interview(
    path="Interviews/acme.md",
    company="Acme Corp",
    role="Senior Backend Engineer",
    date=dt.datetime(2026, 11, 20, 14, 0),
    status=Status.WAITING,
    round="onsite",
    final_round=True,
    interviewers=(Person("Jane Doe", email="jane@acme.com", phone="555 0100"),),
    references=(Person("Bob Smith", email="bob@example.com"),),
    decision_by=dt.date(2026, 12, 4),
    offer_deadline=dt.date(2026, 12, 8),
    topics=("their event-sourcing migration",),
)
EMPTY = Interview(path="n.md", company="", role="", date=None, status=Status.WAITING)
SENDS = [k for k in Kind if k.sends_message]
PUSHY = ("asap", "urgent", "immediately", "why haven't", "still waiting", "disappointed", "!!")


def action(kind: Kind, person: Person | None, channel: Channel = Channel.EMAIL) -> Action:
    return Action(
        id="vf-1",
        kind=kind,
        note="n.md",
        application="Acme",
        company="Acme Corp",
        role="x",
        due=dt.date(2026, 11, 24),
        channel=channel,
        text="t",
        person=person,
    )


def template(kind: Kind, root: Path) -> str:
    return vault.read_template(root, kind.value)


@pytest.mark.parametrize("kind", SENDS, ids=lambda k: k.value)
def test_every_kind_renders_with_every_field(kind: Kind, tmp_path: Path) -> None:
    text = draft_section(
        action(kind, FULL.interviewers[0]), FULL, template(kind, tmp_path), "Alex Morgan"
    )
    assert text.startswith(f"### {heading(action(kind, FULL.interviewers[0]))}\n\n")
    assert "None" not in text
    assert re.findall(r"\[[a-z ]+\]", text) == []  # no placeholder left when every field is given
    assert "Jane" in text and "Alex Morgan" in text
    assert "Acme Corp" in text or "Senior Backend Engineer" in text
    assert not any(word in text.lower() for word in PUSHY)


@pytest.mark.parametrize("kind", SENDS, ids=lambda k: k.value)
def test_every_kind_renders_with_no_fields(kind: Kind, tmp_path: Path) -> None:
    text = draft_section(action(kind, None), EMPTY, template(kind, tmp_path), None)
    assert "None" not in text
    assert "[your name]" in text
    assert "[first name]" in text
    assert "  " not in text.replace("\n  ", "\n")  # no empty gap where a value was missing


def test_email_has_a_subject_call_is_a_script_letter_is_brief(tmp_path: Path) -> None:
    person = FULL.interviewers[0]
    email = draft_section(
        action(Kind.STATUS_CHECK, person), FULL, template(Kind.STATUS_CHECK, tmp_path), "A"
    )
    assert "\nSubject: " in email and "To: jane@acme.com" in email
    call = draft_section(
        action(Kind.STATUS_CHECK, person, Channel.PHONE),
        FULL,
        template(Kind.STATUS_CHECK, tmp_path),
        "A",
    )
    assert "Subject:" not in call and "Call Jane (555 0100)" in call
    letter = draft_section(
        action(Kind.THANK_YOU_NOTE, person), FULL, template(Kind.THANK_YOU_NOTE, tmp_path), "A"
    )
    assert "Subject:" not in letter and len(letter.split()) < 60


def test_status_check_reminds_of_news_and_final_round_asks_for_anything_else(
    tmp_path: Path,
) -> None:
    person = FULL.interviewers[0]
    final = draft_section(
        action(Kind.STATUS_CHECK, person), FULL, template(Kind.STATUS_CHECK, tmp_path), "A"
    )
    assert "company news" not in final  # the reminder names the company
    assert "recent Acme Corp news" in final
    assert "anything else you need from me" in final
    assert "Friday 4 December" in final and "Friday 20 November" in final
    not_final = msgspec.structs.replace(FULL, final_round=False)
    plain = draft_section(
        action(Kind.STATUS_CHECK, person), not_final, template(Kind.STATUS_CHECK, tmp_path), "A"
    )
    assert "anything else" not in plain and "recent Acme Corp news" in plain


def test_thank_you_is_specific(tmp_path: Path) -> None:
    text = draft_section(
        action(Kind.THANK_YOU_EMAIL, FULL.interviewers[0]),
        FULL,
        template(Kind.THANK_YOU_EMAIL, tmp_path),
        "A",
    )
    assert "Hi Jane," in text and "Friday 20 November" in text
    # said to them: "their migration", as the user wrote it, reads "your migration"
    assert "about your event-sourcing migration" in text and "Senior Backend Engineer" in text


@pytest.mark.parametrize(
    "evil",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ lipsum.__globals__ }}",
        "{% include '/etc/passwd' %}",
    ],
)
def test_templates_cannot_reach_python_or_files(evil: str) -> None:
    with pytest.raises(DraftError):
        render(evil, {})


def test_unknown_names_in_a_user_template_show_as_placeholders() -> None:
    assert (
        render("Hi {{ nickname }}, {{ first_name }}", {"first_name": "Jane"})
        == "Hi [nickname], Jane"
    )
