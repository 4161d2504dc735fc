"""Email drafts as messages: `mailto:` links parsed back as a mail client does, and `.eml` files
read back by the standard library's parser."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from vaultfu.cli import main
from vaultfu.message import MAX_LINK, Message, eml, from_draft, mailto

from .conftest import ACME, Vault


def parse_mailto(link: str) -> tuple[str, dict[str, str]]:
    """What a mail client reads from a link (RFC 6068: percent-decoded UTF-8, CRLF breaks)."""
    parts = urlsplit(link)
    assert parts.scheme == "mailto"
    fields = parse_qs(parts.query, keep_blank_values=True, encoding="utf-8", errors="strict")
    return unquote(parts.path, errors="strict"), {k: v[0] for k, v in fields.items()}


DRAFT = """To: Zoë Brontë <zoe@example.org>
Subject: Thank you — Ünïcode & more? =yes #1

Hi Zoë,

Line one; 50% sure & (parenthesised) + plus.
שלום, 你好, 🎉

Best,
Me"""


def test_a_draft_round_trips_through_its_link() -> None:
    message = from_draft(DRAFT)
    assert message is not None
    link, whole = mailto(message)
    assert whole
    to, fields = parse_mailto(link)
    assert to == "zoe@example.org"
    assert fields["subject"] == "Thank you — Ünïcode & more? =yes #1"
    assert fields["body"] == DRAFT.split("\n\n", 1)[1].replace("\n", "\r\n")
    assert all(c not in link for c in " ()<>[]\n\r")  # safe inside a Markdown link


@given(
    subject=st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=60),
    body=st.text(
        st.characters(blacklist_categories=["Cs"], blacklist_characters="\r"), max_size=300
    ),
)
def test_any_subject_and_body_round_trip(subject: str, body: str) -> None:
    message = Message("a@b.example", subject, body)
    link, whole = mailto(message, limit=10**9)
    assert whole
    _, fields = parse_mailto(link)
    assert fields["subject"] == subject
    assert fields["body"] == body.replace("\n", "\r\n")


def test_a_long_body_is_left_out_and_the_link_says_so() -> None:
    message = Message("a@b.example", "Hello", "word " * 1000)
    link, whole = mailto(message)
    assert not whole and len(link) <= MAX_LINK
    assert parse_mailto(link) == ("a@b.example", {"subject": "Hello"})


@pytest.mark.parametrize(
    "text",
    ["Dear Jane,\n\nThank you.", "Call Jane (555):\n- hello", "To: [email]\n\nno subject"],
)
def test_what_is_not_an_email_has_no_message(text: str) -> None:
    assert from_draft(text) is None


def test_a_placeholder_address_makes_a_link_without_one() -> None:
    message = from_draft("To: [email]\nSubject: Hi\n\nText")
    assert message is not None and message.to == ""
    assert parse_mailto(mailto(message)[0])[0] == ""


def test_eml_is_an_unsent_message_with_the_follow_ups_id() -> None:
    message = from_draft(DRAFT)
    assert message is not None
    data = eml(message, ident="vf-0123456789", sender="Me <me@example.net>", when=0)
    read = email.message_from_bytes(data, policy=email.policy.default)
    assert read["X-Unsent"] == "1"
    assert read["Message-ID"] == "<vf-0123456789@vaultfu.invalid>"
    assert read["To"] == "zoe@example.org"
    assert read["Subject"] == "Thank you — Ünïcode & more? =yes #1"
    body = read.get_body(("plain",))
    assert body is not None
    assert body.get_content().rstrip("\n") == DRAFT.split("\n\n", 1)[1]


def test_an_email_draft_in_a_note_carries_a_working_link(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    result = CliRunner().invoke(main, ["agenda", "--today", "2026-11-24", str(vault.root)])
    assert result.exit_code == 0, result.output
    text = vault.read("Interviews/acme.md")
    tokens = MarkdownIt().parse(text.split("\n---\n", 1)[1])  # the body
    hrefs = [
        child.attrGet("href")
        for token in tokens
        if token.children
        for child in token.children
        if child.type == "link_open"
    ]
    links = [h for h in hrefs if isinstance(h, str) and h.startswith("mailto:")]
    assert len(links) == 1  # the thank-you email; the handwritten note has none
    to, fields = parse_mailto(links[0])
    assert to == "jane@acme.com"
    assert fields["subject"] == "Thank you — Senior Backend Engineer interview"
    assert fields["body"].startswith("Hi Jane,\r\n\r\n")
    section = text.split("## Draft — thank-you email", 1)[1].split("\n## ", 1)[0]
    draft = section.split("\n\n", 1)[1].split("\n\n[✉", 1)[0]
    assert fields["body"] == draft.split("\n\n", 1)[1].replace("\n", "\r\n")


@pytest.mark.parametrize("pasted", ["", "Pasted\u2028from\x0ca web\x85page.\n"])
def test_send_writes_an_eml_and_prints_its_path(vault: Vault, tmp_path: Path, pasted: str) -> None:
    """(`pasted`: text with a U+2028, a form feed or a NEL in it, which `str.splitlines` takes
    for line breaks, moves none of the draft's lines.)"""
    vault.write("Interviews/acme.md", ACME.replace("Notes.\n", f"Notes.\n{pasted}"))
    runner = CliRunner()
    runner.invoke(main, ["agenda", "--today", "2026-11-24", str(vault.root)])
    ident = next(
        line.split("🆔 ")[1].split()[0]
        for line in vault.read("Interviews/acme.md").splitlines()
        if "thank-you to Jane" in line
    )
    text = vault.read("Interviews/acme.md").replace("Hi Jane,", "Dear Jane,")
    vault.write("Interviews/acme.md", text, raw=True)  # the user's edit is what is sent
    result = runner.invoke(main, ["send", ident, "--print", "--vault", str(vault.root)])
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    read = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert read["Message-ID"] == f"<{ident}@vaultfu.invalid>"
    assert read["To"] == "jane@acme.com"
    body = read.get_body(("plain",))
    assert body is not None and body.get_content().startswith("Dear Jane,")
    assert not str(path).startswith(str(vault.root))  # never written into the vault


def _first_id(v: Vault, words: str) -> str:
    return next(
        line.split("🆔 ")[1].split()[0]
        for line in v.read("Interviews/acme.md").splitlines()
        if words in line
    )


def test_send_opens_the_draft_with_the_mailer_setting(vault: Vault, tmp_path: Path) -> None:
    out = tmp_path / "opened.eml"
    vault.write(".vaultfu.toml", f'mailer = "cp {{}} {out}"\n')
    vault.write("Interviews/acme.md", ACME)
    runner = CliRunner()
    runner.invoke(main, ["agenda", "--today", "2026-11-24", str(vault.root)])
    ident = _first_id(vault, "thank-you to Jane")
    result = runner.invoke(main, ["send", ident, "--vault", str(vault.root)])
    assert result.exit_code == 0, result.output
    assert "opened the draft to jane@acme.com" in result.output
    assert b"X-Unsent: 1" in out.read_bytes()


def test_send_says_what_is_wrong_in_one_line(vault: Vault) -> None:
    vault.write(".vaultfu.toml", 'mailer = "false"\n')
    vault.write("Interviews/acme.md", ACME)
    runner = CliRunner()
    runner.invoke(main, ["agenda", "--today", "2026-11-24", str(vault.root)])
    cases = {
        "vf-0000000000": "no open follow-up has the id 'vf-0000000000'",  # send's wording
        _first_id(vault, "handwritten"): "is not an email (no To: and Subject:)",
        _first_id(vault, "thank-you to Jane"): "false exited with 1",
    }
    for ident, said in cases.items():
        result = runner.invoke(main, ["send", ident, "--vault", str(vault.root)])
        assert result.exit_code != 0
        assert said in result.output and len(result.output.strip().splitlines()) == 1, result.output
