"""`vaultfu mail` on real mailboxes made with the standard library (Maildir and mbox): sent mail
ticks its follow-up with the day it was sent, replies are noted and pause the next check, a
decision is a suggestion, and a second run writes nothing."""

from __future__ import annotations

import datetime as dt
import json
import mailbox
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultfu.cli import main

from .conftest import ACME, Vault

ME = "alex@example.net"


def message(
    sender: str,
    to: str,
    subject: str,
    day: str,
    body: str = "Hello.",
    *,
    ident: str | None = None,
    answers: str | None = None,
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    when = dt.datetime.fromisoformat(f"{day}T10:00:00+00:00")
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = ident or f"<{abs(hash((sender, subject, day)))}@mail.example>"
    if answers:
        mail["In-Reply-To"] = answers
        mail["References"] = answers
    mail.set_content(body)
    return mail


class Box:
    """A Maildir or an mbox the test fills as a mail app would."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path, self.kind = path, kind
        box = mailbox.Maildir(path) if kind == "maildir" else mailbox.mbox(path)
        box.close()

    def add(self, item: EmailMessage | bytes) -> None:
        box = mailbox.Maildir(self.path) if self.kind == "maildir" else mailbox.mbox(self.path)
        box.lock()
        box.add(item)
        box.flush()
        box.unlock()
        box.close()


@pytest.fixture(params=["maildir", "mbox"])
def box(request: pytest.FixtureRequest, vault: Vault, tmp_path: Path) -> Box:
    kind = request.param
    found = Box(tmp_path / ("Mail" if kind == "maildir" else "mail.mbox"), kind)
    vault.write(".vaultfu.toml", f'[mail]\nme = ["{ME}"]\n{kind} = ["{found.path}"]\n')
    vault.write("Interviews/acme.md", ACME)
    return found


def run(v: Vault, day: str, *command: str) -> dict[str, object]:
    result = CliRunner().invoke(main, [*command, "--json", "--today", day, str(v.root)])
    assert result.exit_code == 0, result.output
    found: dict[str, object] = json.loads(result.stdout)
    return found


def actions(agenda: dict[str, object]) -> dict[str, dict[str, str]]:
    items = agenda["actions"]
    assert isinstance(items, list)
    return {a["kind"]: a for a in items}


def test_a_replay_through_the_mailbox(vault: Vault, box: Box) -> None:
    # 20 Nov: the interview; the thank-you is due today.
    first = run(vault, "2026-11-20", "agenda")
    assert "thank-you-email" in actions(first)
    # The user sends it from the mail app that evening, and a forward to a friend.
    box.add(message(ME, "Jane Doe <jane@acme.com>", "Thank you — Senior Backend", "2026-11-20"))
    box.add(message(ME, "friend@gmail.com", "Fwd: Thank you — Senior Backend", "2026-11-20"))
    after = run(vault, "2026-11-21", "mail")
    assert "thank-you-email" not in actions(after)
    note = vault.read("Interviews/acme.md")
    assert "✅ 2026-11-20" in next(x for x in note.splitlines() if "thank-you to Jane" in x)
    assert "📤 2026-11-20 sent to Jane Doe: Thank you — Senior Backend %% vaultfu mail" in note
    assert "friend@" not in note and note.count("📤") == 1
    snapshot = vault.snapshot()
    run(vault, "2026-11-21", "mail")  # the same mail again: nothing new
    assert vault.snapshot() == snapshot
    # 26 Nov: Jane replies; the status check (due 27 Nov) waits 7 days from her reply.
    assert actions(run(vault, "2026-11-26", "agenda"))["status-check"]["due"] == "2026-11-27"
    box.add(message("Jane Doe <jane@acme.com>", ME, "Re: Thank you", "2026-11-26"))
    box.add(message("Someone <x@elsewhere.example>", ME, "Unrelated", "2026-11-26"))
    later = run(vault, "2026-11-26", "mail")
    assert actions(later)["status-check"]["due"] == "2026-12-03"
    replies = later["replies"]
    assert isinstance(replies, list) and len(replies) == 1
    assert replies[0]["who"] == "Jane Doe" and replies[0]["command"] is None
    assert "Jane Doe replied: Re: Thank you" in vault.read("Agenda.md")
    # 1 Dec: HR, at the same domain, sends the offer (quoting the user's own words).
    offer = "We are pleased to offer you the role.\n\nOn Mon, Alex wrote:\n> next round?"
    box.add(message("HR <hr@acme.com>", ME, "Your offer", "2026-12-01", offer))
    final = run(vault, "2026-12-01", "mail")
    command = 'vaultfu set "Interviews/acme.md" status offer --on 2026-12-01'
    assert [r["command"] for r in final["replies"]] == [command, None]  # type: ignore[union-attr]
    assert f"reads like an offer: `{command}`" in vault.read("Agenda.md")
    assert "status: waiting" in vault.read("Interviews/acme.md")  # never changed by itself
    snapshot = vault.snapshot()
    run(vault, "2026-12-01", "mail")
    assert vault.snapshot() == snapshot


def test_a_reply_to_vaultfus_message_id_from_any_address(vault: Vault, box: Box) -> None:
    run(vault, "2026-11-20", "agenda")
    ident = next(
        x.split("🆔 ")[1].split()[0]
        for x in vault.read("Interviews/acme.md").splitlines()
        if "thank-you to Jane" in x
    )
    answer = message(
        "Jane <jane.private@gmail.com>",
        ME,
        "Re: Thanks",
        "2026-11-22",
        answers=f"<{ident}@vaultfu.invalid>",
    )
    box.add(answer)
    run(vault, "2026-11-22", "mail")
    assert "Jane replied: Re: Thanks" in vault.read("Interviews/acme.md")


def test_headers_in_other_charsets_are_read(vault: Vault, box: Box) -> None:
    run(vault, "2026-11-20", "agenda")
    raw = (
        b"From: =?iso-8859-1?q?Ren=E9e_M=FCller?= <jane@acme.com>\r\n"
        b"To: alex@example.net\r\n"
        b"Subject: R\xe9ponse \xe0 votre message\r\n"
        b"Date: Sun, 22 Nov 2026 10:00:00 +0000\r\n"
        b"Message-ID: <latin@acme.com>\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\n"
        b"Merci beaucoup.\r\n"
    )
    box.add(raw)
    run(vault, "2026-11-22", "mail")
    assert "Renée Müller replied: Réponse à votre message" in vault.read("Interviews/acme.md")


def test_bad_mail_is_one_line_each_and_the_rest_is_read(
    vault: Vault, box: Box, tmp_path: Path
) -> None:
    vault.write(
        ".vaultfu.toml",
        vault.read(".vaultfu.toml") + f'maildir = ["{tmp_path / "nowhere"}"]\n'
        if box.kind == "mbox"
        else vault.read(".vaultfu.toml") + f'mbox = ["{tmp_path / "nowhere.mbox"}"]\n',
        raw=True,
    )
    run(vault, "2026-11-20", "agenda")
    box.add(b"From: jane@acme.com\r\nSubject: no date\r\n\r\nbody\r\n")
    box.add(message("Jane Doe <jane@acme.com>", ME, "Re: hello", "2026-11-22"))
    found = run(vault, "2026-11-22", "mail")
    problems = [p["message"] for p in found["problems"]]  # type: ignore[union-attr]
    assert any("nowhere" in p or "cannot be read" in p for p in problems), problems
    assert any("no date that can be read" in p for p in problems), problems
    assert "Jane Doe replied: Re: hello" in vault.read("Interviews/acme.md")


def test_without_a_mailbox_it_says_what_to_add(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    result = CliRunner().invoke(main, ["mail", str(vault.root)])
    assert result.exit_code != 0
    assert "add a [mail] table" in result.output and len(result.output.splitlines()) == 1


@pytest.mark.parametrize("pasted", ["", "Pasted\u2028from\x0ca web\x85page.\n"])
def test_sent_mail_ticks_the_follow_up_whose_draft_it_sent(
    sample: Vault, tmp_path: Path, pasted: str
) -> None:
    """Jane Doe has two open email follow-ups (the competing-offer note, due first, and the
    thank-you): the sent thank-you's subject says which one it was. The drafts' subjects are
    read from their lines as Markdown counts them: text pasted into the note with a U+2028, a
    form feed or a NEL in it (which `str.splitlines` takes for line breaks) moves nothing."""
    box = Box(tmp_path / "Mail", "maildir")
    text = sample.read(".vaultfu.toml") + f'\n[mail]\nme = ["{ME}"]\nmaildir = ["{box.path}"]\n'
    sample.write(".vaultfu.toml", text, raw=True)
    before = actions(run(sample, "2026-11-24", "agenda"))
    note = "Interviews/2026-11-24 Acme Corp - onsite.md"
    head, body = sample.read(note).split("\n---\n", 1)
    sample.write(note, f"{head}\n---\n{pasted}{body}", raw=True)
    assert {"competing-offer", "thank-you-email"} <= set(before)
    subject = "Re: Thank you — Senior Backend Engineer interview"  # as a mail app may prefix it
    box.add(message(ME, "Jane Doe <jane.doe@acme.example>", subject, "2026-11-24"))
    after = run(sample, "2026-11-24", "mail")
    left = [a for a in after["actions"] if a.get("person") == "Jane Doe"]  # type: ignore[union-attr]
    assert "competing-offer" in {a["kind"] for a in left}
    assert ("thank-you-email", "Jane Doe") not in {(a["kind"], a["person"]) for a in left}


def test_a_subject_opens_no_markup_in_the_note(vault: Vault, box: Box) -> None:
    run(vault, "2026-11-20", "agenda")
    odd = "Re: %% #urgent [[Link]] Key:: Value"
    box.add(message("Jane Doe <jane@acme.com>", ME, odd, "2026-11-22"))
    run(vault, "2026-11-22", "mail")
    line = next(x for x in vault.read("Interviews/acme.md").splitlines() if "📨" in x)
    assert "Re: % % \\#urgent [ [Link] ] Key:\u2060: Value %% vaultfu mail" in line
    assert line.count("%%") == 2  # vaultfu's mark, and no other comment
    snapshot = vault.snapshot()
    run(vault, "2026-11-22", "mail")  # read back from the note as it was written
    assert vault.snapshot() == snapshot
