"""`vaultfu mail` against a real IMAP server: Debian's dovecot, started by the test on a loopback
port in a temporary folder (`.ci/run` installs it). The mailbox is read, never changed."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted

from .conftest import ACME, Vault
from .test_mail import ME, message, run

PASSWORD = "s3cret word"


@dataclass(frozen=True)
class Server:
    port: int
    user: str
    folder: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def imap() -> Iterator[Server]:
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.path.exists(binary):
        pytest.fail("dovecot is not installed (apt-get install dovecot-imapd; .ci/run does)")
    folder = Path(tempfile.mkdtemp(prefix="vaultfu-imap-"))
    os.chmod(folder, 0o755)
    # dovecot never runs mail processes as root: the mail belongs to `nobody` then
    uid, gid = os.getuid(), os.getgid()
    if uid == 0:
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
    for name in ("run", "state", "mail"):
        (folder / name).mkdir()
    os.chown(folder / "mail", uid, gid)
    (folder / "passwd").write_text(f"{ME}:{{PLAIN}}{PASSWORD}::::::\n")
    port = _free_port()
    (folder / "dovecot.conf").write_text(
        f"""base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
    )
    process = subprocess.Popen([binary, "-F", "-c", str(folder / "dovecot.conf")])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    log = (folder / "dovecot.log").read_text(errors="replace")
                    pytest.fail(f"dovecot did not start:\n{log}")
                time.sleep(0.05)
        yield Server(port, ME, folder)
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def deliver(server: Server, folder: str, *items: bytes) -> None:
    """What the server receives and the user's mail app files (the test writes it; vaultfu
    never writes to a mailbox)."""
    with MailBoxUnencrypted("127.0.0.1", server.port).login(
        server.user, PASSWORD, initial_folder=None
    ) as box:
        if not box.folder.exists(folder):
            box.folder.create(folder)
        for item in items:
            box.append(item, folder, flag_set=())


def flags(server: Server) -> dict[str, tuple[str, ...]]:
    with MailBoxUnencrypted("127.0.0.1", server.port).login(
        server.user, PASSWORD, initial_folder=None
    ) as box:
        found = {}
        for folder in ("INBOX", "Sent"):
            box.folder.set(folder, readonly=True)
            for m in box.fetch(mark_seen=False, headers_only=True):
                found[m.subject] = tuple(f for f in m.flags if f != "\\Recent")
        return found


def settings(server: Server, password_command: str) -> str:
    return (
        f'[mail]\nme = ["{ME}"]\nimap_host = "127.0.0.1"\nimap_port = {server.port}\n'
        f'imap_ssl = false\nimap_user = "{server.user}"\nimap_folders = ["INBOX", "Sent"]\n'
        f"password_command = {json.dumps(password_command)}\n"
    )


def test_imap_sent_and_received_are_learned_read_only(vault: Vault, imap: Server) -> None:
    vault.write(".vaultfu.toml", settings(imap, f"printf '%s' '{PASSWORD}'"))
    vault.write("Interviews/acme.md", ACME)
    run(vault, "2026-11-20", "agenda")
    sent = message(ME, "Jane Doe <jane@acme.com>", "Thank you — the interview", "2026-11-20")
    reply = message("Jane Doe <jane@acme.com>", ME, "Re: Thank you", "2026-11-23")
    deliver(imap, "Sent", sent.as_bytes())
    deliver(imap, "INBOX", reply.as_bytes())
    before = flags(imap)
    found = run(vault, "2026-11-23", "mail")
    note = vault.read("Interviews/acme.md")
    assert "📤 2026-11-20 sent to Jane Doe: Thank you — the interview" in note
    assert "📨 2026-11-23 Jane Doe replied: Re: Thank you" in note
    assert found["problems"] == []
    assert flags(imap) == before == {"Thank you — the interview": (), "Re: Thank you": ()}
    snapshot = vault.snapshot()
    run(vault, "2026-11-23", "mail")
    assert vault.snapshot() == snapshot


def test_a_wrong_password_is_one_problem_and_the_rest_is_read(
    vault: Vault, imap: Server, tmp_path: Path
) -> None:
    import mailbox

    local = mailbox.Maildir(tmp_path / "Local")
    local.add(message("Jane Doe <jane@acme.com>", ME, "Re: from the local box", "2026-11-23"))
    local.close()
    text = settings(imap, "printf wrong") + f'maildir = ["{tmp_path / "Local"}"]\n'
    vault.write(".vaultfu.toml", text)
    vault.write("Interviews/acme.md", ACME)
    found = run(vault, "2026-11-23", "mail")
    problems = found["problems"]
    assert isinstance(problems, list) and len(problems) == 1
    assert problems[0]["path"].startswith("imap://")
    assert "refused the login" in problems[0]["message"]
    assert PASSWORD not in str(found) and "wrong" not in problems[0]["message"]
    assert "Jane Doe replied: Re: from the local box" in vault.read("Interviews/acme.md")
