"""An email draft as a message: its `To:` and `Subject:` lines and its body, as a `mailto:` link
(RFC 6068) and as an unsent `.eml` (RFC 5322, the standard library's `email`). Pure: text in,
text or bytes out; vaultfu never sends mail itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

MAX_LINK = 2_000  # characters: longer links are cut by some mail apps and browsers
_HEADER = re.compile(r"(To|Subject|Cc):[ \t]*(.*)", re.IGNORECASE)


@dataclass(frozen=True)
class Message:
    to: str  # an address, or "" when the draft has none yet
    subject: str
    body: str
    cc: str = ""


def address(value: str) -> str:
    """The address in a `To:` value (`Jane <jane@acme.com>` or `jane@acme.com`), or "" for a
    placeholder such as `[email]`."""
    from email.utils import parseaddr

    _, found = parseaddr(value.strip())
    ok = "@" in found and not any(c in found for c in "[] \t<>")
    return found if ok else ""


def from_draft(text: str) -> Message | None:
    """The message an email draft holds: header lines first (`To:`, `Subject:`, `Cc:`), a blank
    line, the body. None for a draft that is not an email (a call script, a letter)."""
    lines = text.strip("\n").split("\n")
    headers: dict[str, str] = {}
    at = 0
    for at, line in enumerate(lines):  # noqa: B007 (the loop's last index is used below)
        found = _HEADER.fullmatch(line.rstrip("\r"))
        if found is None:
            break
        headers[found.group(1).lower()] = found.group(2).strip()
    else:
        at = len(lines)
    if "to" not in headers or "subject" not in headers:
        return None
    body = "\n".join(line.rstrip("\r") for line in lines[at:]).strip("\n")
    return Message(address(headers["to"]), headers["subject"], body, address(headers.get("cc", "")))


def mailto(message: Message, limit: int = MAX_LINK) -> tuple[str, bool]:
    """The `mailto:` link (RFC 6068: every character but the unreserved ones percent-encoded as
    UTF-8, line breaks as CRLF), and whether the body is in it: a link over `limit` characters
    leaves the body out."""
    to = quote(message.to, safe="@")
    fields = [("subject", message.subject)]
    if message.cc:
        fields.append(("cc", message.cc))
    head = f"mailto:{to}?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in fields)
    body = quote(message.body.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")
    link = f"{head}&body={body}"
    return (link, True) if len(link) <= limit else (head, False)


def link_line(message: Message) -> str:
    """The Markdown line a draft carries: one click opens it in the user's mail app."""
    link, whole = mailto(message)
    label = "Open in your mail app" if whole else "Open in your mail app (To and Subject only)"
    return f"[✉ {label}]({link})"


def without_link(draft: str) -> str:
    """A draft section's text without the link line vaultfu added to it."""
    lines = draft.rstrip("\n").split("\n")
    if lines and lines[-1].startswith("[✉ ") and "](mailto:" in lines[-1]:
        lines.pop()
    return "\n".join(lines)


def message_id(ident: str, domain: str = "vaultfu.invalid") -> str:
    """The Message-ID vaultfu gives a follow-up's message: replies that quote it in
    `In-Reply-To` or `References` are matched to the follow-up."""
    return f"<{ident}@{domain}>"


def eml(message: Message, *, ident: str, sender: str = "", when: float | None = None) -> bytes:
    """An unsent message (`X-Unsent: 1`: mail apps open it as a draft to edit and send)."""
    from email.message import EmailMessage
    from email.utils import formatdate

    mail = EmailMessage()
    if sender:
        mail["From"] = sender
    if message.to:
        mail["To"] = message.to
    if message.cc:
        mail["Cc"] = message.cc
    mail["Subject"] = message.subject
    mail["Message-ID"] = message_id(ident)
    mail["X-Unsent"] = "1"
    if when is not None:
        mail["Date"] = formatdate(when, localtime=True)
    mail.set_content(message.body + "\n")
    return mail.as_bytes()
