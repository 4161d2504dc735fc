"""The user's mailbox, read-only: Maildir folders and mbox files (the standard library's
`mailbox`) and IMAP (`imap-tools`, each folder opened with EXAMINE, nothing marked seen). The
only module that reads mail. Each message becomes a `Mail`: who, to whom, when, the subject,
the ids it answers and the start of its text (kept in memory to classify it, never written).
Nothing is ever written into a mailbox; what cannot be read is one line, and the rest is read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.message
import hashlib
import shlex
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.header import Header, decode_header, make_header
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from pathlib import Path

from .config import MailSettings
from .model import Problem

TEXT_CHARS = 4_000  # of a message's text, read to classify it


@dataclass(frozen=True)
class Mail:
    key: str  # 10 hex digits of its Message-ID: the same message is learned once
    day: dt.date  # the day it was sent, in this machine's time zone
    sender: str  # address, lower case
    sender_name: str
    recipients: tuple[str, ...]  # To and Cc addresses, lower case
    subject: str
    answers: tuple[str, ...]  # the Message-IDs of In-Reply-To and References
    text: str  # the start of its plain text


def _bytes_text(data: bytes, charset: str | None) -> str:
    """Bytes in a declared charset; undeclared ones ("unknown-8bit") as UTF-8, else cp1252."""
    if charset and charset.lower() not in ("unknown-8bit", "us-ascii"):
        try:
            return data.decode(charset, "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def header(value: object) -> str:
    """A header as text on one line: encoded words decoded, and raw bytes in an undeclared
    charset read as well as they can be."""
    if value is None:
        return ""
    if isinstance(value, Header):  # what compat32 gives for raw 8-bit bytes
        parts = decode_header(value)
    else:
        raw = str(value)
        if any("\udc80" <= c <= "\udcff" for c in raw):
            raw = _bytes_text(raw.encode("utf-8", "surrogateescape"), None)
        with contextlib.suppress(LookupError, UnicodeError, ValueError):
            raw = str(make_header(decode_header(raw)))
        parts = [(raw, None)]
    text = "".join(
        _bytes_text(chunk, charset) if isinstance(chunk, bytes) else chunk
        for chunk, charset in parts
    )
    return " ".join(text.split())


def _text(message: email.message.Message) -> str:
    for part in message.walk():
        if part.get_content_type() != "text/plain" or part.get_filename():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset, "replace")[:TEXT_CHARS]
        except LookupError:
            return payload.decode("utf-8", "replace")[:TEXT_CHARS]
    return ""


def _ids(value: str) -> tuple[str, ...]:
    return tuple(w for w in value.split() if w.startswith("<") and w.endswith(">"))


def parse(message: email.message.Message) -> Mail:
    """One message; ValueError when it has no date that can be read."""
    when = header(message.get("Date"))
    try:
        sent = parsedate_to_datetime(when)
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"no date that can be read ({when!r})") from None
    day = (sent.astimezone() if sent.tzinfo else sent).date()
    name, address = parseaddr(header(message.get("From")))
    others = [header(v) for k in ("To", "Cc") for v in message.get_all(k) or ()]
    recipients = tuple(a.lower() for _, a in getaddresses(others) if "@" in a)
    ident = header(message.get("Message-ID")).strip()
    subject = header(message.get("Subject"))
    if not ident:  # no Message-ID: the message's own facts make its key
        ident = f"{when}|{address}|{subject}"
    key = hashlib.sha1(ident.encode("utf-8", "replace")).hexdigest()[:10]
    answers = _ids(header(message.get("In-Reply-To")) + " " + header(message.get("References")))
    return Mail(key, day, address.lower(), name, recipients, subject, answers, _text(message))


def _read_all(
    where: str, messages: Iterable[tuple[str, bytes]], since: dt.date, problems: list[Problem]
) -> Iterator[Mail]:
    for name, data in messages:
        try:
            found = parse(email.message_from_bytes(data))
        except (ValueError, LookupError, UnicodeError, TypeError, IndexError) as exc:
            problems.append(Problem(where, None, f"message {name} cannot be read: {exc}"))
            continue
        if found.day >= since:
            yield found


def _local(where: str, kind: str) -> Iterator[tuple[str, bytes]]:
    import mailbox

    path = Path(where).expanduser()
    box: mailbox.Mailbox[mailbox.Message]
    if kind == "maildir":
        if not (path / "cur").is_dir():
            raise OSError(f"{path} is not a Maildir folder (no cur/)")
        box = mailbox.Maildir(path, factory=None, create=False)
    else:
        if not path.is_file():
            raise OSError(f"{path} is not an mbox file")
        box = mailbox.mbox(path, factory=None, create=False)
    try:
        for key in box.iterkeys():
            yield str(key), box.get_bytes(key)
    finally:
        box.close()


def _password(command: str) -> str:
    if not command:
        raise OSError("no password_command in [mail]")
    done = subprocess.run(shlex.split(command), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise OSError(f"password_command exited with {done.returncode}")
    return done.stdout.splitlines()[0] if done.stdout else ""


def _imap(settings: MailSettings, since: dt.date) -> Iterator[tuple[str, tuple[str, bytes]]]:
    from imap_tools import AND, MailBox, MailBoxUnencrypted

    kind = MailBox if settings.imap_ssl else MailBoxUnencrypted
    with kind(settings.imap_host, settings.imap_port, timeout=30).login(
        settings.imap_user, _password(settings.password_command), initial_folder=None
    ) as box:
        for folder in settings.imap_folders:
            box.folder.set(folder, readonly=True)  # EXAMINE: nothing can change
            for message in box.fetch(AND(date_gte=since), mark_seen=False, bulk=True):
                yield folder, (message.uid or "?", message.obj.as_bytes())


def read(settings: MailSettings, since: dt.date) -> tuple[list[Mail], list[Problem]]:
    """Every message since `since` in every mailbox the settings name, and what went wrong."""
    problems: list[Problem] = []
    found: list[Mail] = []
    sources = [("maildir", w) for w in settings.maildir] + [("mbox", w) for w in settings.mbox]
    for kind, where in sources:
        try:
            found += _read_all(where, _local(where, kind), since, problems)
        except OSError as exc:
            problems.append(Problem(where, None, f"cannot be read: {exc}"))
    if settings.imap_host:
        where = f"imap://{settings.imap_user}@{settings.imap_host}:{settings.imap_port}"
        try:
            for folder, item in _imap(settings, since):
                found += _read_all(f"{where}/{folder}", [item], since, problems)
        except Exception as exc:  # imap-tools, ssl and sockets raise many kinds
            problems.append(Problem(where, None, f"cannot be read: {_why(exc)}"))
    unique = {m.key: m for m in found}  # the same message in two folders counts once
    return sorted(unique.values(), key=lambda m: (m.day, m.key)), problems


def _why(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if "LOGIN" in text.upper() or "AUTHENTICAT" in text.upper():
        return f"the server refused the login ({text[:120]})"
    return text[:200]
