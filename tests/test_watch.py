"""`vaultfu watch` with a real watchdog observer on real temporary folders."""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from vaultfu.watch import Update, Watcher

from .conftest import ACME, TODAY, Vault

WAIT = 10.0  # the most any condition may take before the test fails; none sleeps this long


def wait_for(condition: Callable[[], bool], timeout: float = WAIT) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


def quiet(watcher: Watcher, seconds: float = 0.6) -> int:
    """Wait until no cycle ran for `seconds`; return the cycle count."""
    count = watcher.cycles
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.02)
        if watcher.cycles != count:
            count = watcher.cycles
            end = time.monotonic() + seconds
    return count


class Clock:
    def __init__(self, day: dt.date) -> None:
        self.day = day

    def __call__(self) -> dt.date:
        return self.day


@contextmanager
def watching(v: Vault, **options: object) -> Iterator[tuple[Watcher, list[Update], Clock]]:
    clock = Clock(TODAY)
    updates: list[Update] = []
    settings: dict[str, object] = {"debounce": 0.15, "tick": 0.05, "on_update": updates.append}
    settings.update(options)
    watcher = Watcher(v.root, clock=clock, **settings)  # type: ignore[arg-type]
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert watcher.ready.wait(WAIT)
        yield watcher, updates, clock
    finally:
        stop.set()
        thread.join(WAIT)
        assert not thread.is_alive()


def agenda(v: Vault) -> str:
    path = v.root / "Agenda.md"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_a_save_updates_the_agenda(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    with watching(vault) as (_watcher, updates, _):
        assert "Email a thank-you to Jane Doe" in agenda(vault)
        vault.write("Interviews/globex.md", ACME.replace("Acme Corp", "Globex"))
        wait_for(lambda: "at Globex" in agenda(vault))
        wait_for(lambda: "globex.md changed" in updates[-1].line())  # reported after the write
        assert "agenda:" in updates[-1].line()


def test_own_writes_start_no_cycle(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    with watching(vault) as (watcher, updates, _):
        assert updates[0].result.written  # the start wrote a note and the agenda
        assert quiet(watcher) == 1
        vault.write("Interviews/acme.md", vault.read("Interviews/acme.md") + "\nmore\n", raw=True)
        wait_for(lambda: watcher.cycles == 2)
        assert quiet(watcher) == 2


def test_vim_style_save_is_one_update(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    with watching(vault) as (watcher, _, _):
        start = quiet(watcher)
        folder = vault.root / "Interviews"
        (folder / "4913").write_text("")  # vim's probe file
        (folder / "4913").unlink()
        (folder / ".acme.md.swp").write_bytes(b"swap")
        os.rename(folder / "acme.md", folder / "acme.md~")  # backup by rename
        (folder / "acme.md").write_text(
            (folder / "acme.md~").read_text().replace("status: waiting", "status: rejected")
        )
        (folder / "acme.md~").unlink()
        (folder / ".acme.md.swp").unlink()
        wait_for(lambda: watcher.cycles == start + 1)
        assert quiet(watcher) == start + 1
        assert "Thank Jane Doe" in agenda(vault)
        assert not (folder / "acme.md~").exists()


def test_sed_style_save_is_one_update(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    with watching(vault) as (watcher, _, _):
        start = quiet(watcher)
        subprocess.run(
            [
                "sed",
                "-i",
                "s/status: waiting/status: rejected/",
                str(vault.root / "Interviews/acme.md"),
            ],
            check=True,
        )
        wait_for(lambda: watcher.cycles == start + 1)
        assert quiet(watcher) == start + 1
        assert "Thank Jane Doe" in agenda(vault)


def test_a_burst_of_500_saves_ends_in_the_right_agenda(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    with watching(vault) as (watcher, _, _):
        path = vault.root / "Interviews/acme.md"
        base = path.read_text()
        for i in range(500):
            path.write_text(base.replace("role: Senior Backend Engineer", f"role: Role {i}"))
        wait_for(lambda: "(Role 499)" in agenda(vault))
        quiet(watcher)
        text = agenda(vault)
        assert "(Role 499)" in text and "(Role 498)" not in text
        assert watcher.cycles < 100  # coalesced, not one cycle per save


def test_delete_and_rename(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    vault.write("Interviews/globex.md", ACME.replace("Acme Corp", "Globex"))
    with watching(vault) as (watcher, _, _):
        ids = {
            a.id for a in watcher.cycle("check").result.agenda.actions if a.company == "Acme Corp"
        }
        os.rename(vault.root / "Interviews/acme.md", vault.root / "Interviews/acme renamed.md")
        wait_for(lambda: "[[acme renamed]]" in agenda(vault))
        text = agenda(vault)
        assert "[[acme]]" not in text
        assert all(i in text for i in ids)  # same actions, same ids, new link
        (vault.root / "Interviews/globex.md").unlink()
        wait_for(lambda: "Globex" not in agenda(vault))


def test_a_note_broken_mid_edit_then_fixed(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    with watching(vault) as (_watcher, _, _):
        good = vault.read("Interviews/acme.md")
        vault.write(
            "Interviews/acme.md", good.replace("status: waiting", "status: [wait"), raw=True
        )
        wait_for(lambda: "## Problems" in agenda(vault))
        assert "`Interviews/acme.md` line" in agenda(vault)
        vault.write("Interviews/acme.md", good, raw=True)
        wait_for(lambda: "## Problems" not in agenda(vault))
        assert "Email a thank-you to Jane Doe" in agenda(vault)


def test_a_status_caught_half_changed_cancels_nothing_until_saves_stop(vault: Vault) -> None:
    """Obsidian saves while you type: a status set in the wrong note and put back at once must
    not cancel the follow-ups it made stale for a moment. Open lines that no longer apply are
    cancelled only once no note was saved for `settle` seconds."""
    note = "Interviews/acme.md"
    vault.write(note, ACME)
    with watching(vault, settle=1.5) as (watcher, updates, _):
        good = vault.read(note)
        assert "- [ ] Email a thank-you to Jane Doe" in good
        vault.write(note, good.replace("status: waiting", "status: rejected"), raw=True)
        wait_for(lambda: "for the decision" in vault.read(note))  # its thank-you written
        assert "- [ ] Email a thank-you to Jane Doe" in vault.read(note)  # stale, held open
        text = vault.read(note)
        vault.write(note, text.replace("status: rejected", "status: waiting"), raw=True)
        wait_for(lambda: "for the decision" not in agenda(vault))
        wait_for(lambda: "no save for" in updates[-1].reason)
        text = vault.read(note)
        assert "- [ ] Email a thank-you to Jane Doe" in text  # never cancelled
        assert "Email a thank-you to Jane Doe" in agenda(vault)
        assert "- [-] Thank Jane Doe at Acme Corp" in text and "❌" in text  # now stale for good
        assert quiet(watcher) == watcher.cycles  # and then nothing more


def test_a_value_caught_half_typed_changes_nothing_elsewhere(vault: Vault) -> None:
    """Obsidian saves while you type: round 2's status caught half typed ('s') refuses its note
    for a moment. While saves go on, it is planned as it last read whole: round 1 is not
    chased in its stead, nothing is written into the refused note, and its follow-ups stay
    listed. Once no note was saved for `settle` seconds it is planned without, as in a run of
    `vaultfu agenda`: nothing is written into its application's notes either."""
    first, second = "Interviews/acme-1.md", "Interviews/acme-2.md"
    round1 = ACME.replace("2026-11-20", "2026-11-10").replace("waiting", "next-round")
    vault.write(first, round1)
    vault.write(second, ACME.replace("Jane Doe <jane@acme", "Sam Roe <sam@acme"))
    with watching(vault, settle=1.5) as (watcher, updates, _):
        quiet(watcher)
        before, text = vault.read(first), vault.read(second)
        assert "Follow up with Jane Doe" not in agenda(vault) and "Sam Roe" in text
        vault.write(second, text.replace("status: waiting", "status: s"), raw=True)
        wait_for(lambda: "status 's' is not one of" in agenda(vault))
        assert vault.read(first) == before and "Follow up with Jane Doe" not in agenda(vault)
        assert "Follow up with Sam Roe" in agenda(vault)
        fixed = text.replace("status: waiting", "status: rejected\nstatus_date: 2026-11-24")
        vault.write(second, fixed, raw=True)
        wait_for(lambda: "for the decision" in agenda(vault))
        wait_for(lambda: "no save for" in updates[-1].reason)
        assert vault.read(first) == before  # never chased
        vault.write(second, fixed.replace("status: rejected", "status: s"), raw=True)
        wait_for(lambda: "status 's' is not one of" in agenda(vault))
        seen = len(updates)
        wait_for(lambda: len(updates) > seen and "no save for" in updates[-1].reason)
        # still broken after the quiet: planned without it (round 1's check is listed), and
        # its application's notes left alone
        wait_for(lambda: "Follow up with Jane Doe" in agenda(vault))
        assert vault.read(first) == before


def test_midnight_rollover_with_no_file_change(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME.replace("2026-11-20T14:00", "2026-11-24T14:00"))
    with watching(vault) as (_watcher, updates, clock):
        assert "## Today\n- [ ] Email a thank-you" in agenda(vault)
        clock.day = TODAY + dt.timedelta(days=1)
        wait_for(lambda: "## Overdue\n- [ ] Email a thank-you" in agenda(vault))
        wait_for(lambda: updates[-1].reason.startswith("new day"))


def test_polling_mode(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    with watching(vault, polling=True, poll_interval=0.1) as (watcher, _, _):
        assert watcher.polling
        vault.write("Interviews/globex.md", ACME.replace("Acme Corp", "Globex"))
        wait_for(lambda: "at Globex" in agenda(vault))


def test_falls_back_to_polling_when_inotify_is_exhausted(vault: Vault) -> None:
    """Use up this user's inotify instances for real, then start the watcher."""
    libc = ctypes.CDLL(None, use_errno=True)
    held: list[int] = []
    warnings: list[str] = []
    vault.write("Interviews/acme.md", ACME)
    try:
        for _ in range(100_000):
            fd = libc.inotify_init()
            if fd < 0:
                break
            held.append(fd)
        else:
            pytest.fail("no inotify instance limit on this machine")
        with watching(vault, warn=warnings.append, poll_interval=0.1) as (watcher, _, _):
            for fd in held:
                os.close(fd)
            held.clear()
            assert watcher.polling
            assert len(warnings) == 1 and "polling" in warnings[0]
            vault.write("Interviews/globex.md", ACME.replace("Acme Corp", "Globex"))
            wait_for(lambda: "at Globex" in agenda(vault))
    finally:
        for fd in held:
            os.close(fd)


def test_periodic_rescan_catches_what_the_observer_missed(vault: Vault, tmp_path: Path) -> None:
    """A write through a hard link outside the vault makes no inotify event in the vault."""
    vault.write("Interviews/acme.md", ACME)
    outside = tmp_path / "outside.md"
    with watching(vault, rescan_every=0.3) as (watcher, updates, _):
        quiet(watcher)  # the start has written the note: link the file as it is now
        os.link(vault.root / "Interviews/acme.md", outside)
        with open(outside, "a", encoding="utf-8") as handle:
            handle.write("- [ ] Send the portfolio 📅 2026-11-24\n")
        wait_for(lambda: "Send the portfolio" in agenda(vault))
        wait_for(lambda: updates[-1].reason.startswith("rescan"))


def test_an_overflow_warning_from_watchdog_forces_a_rescan(vault: Vault, tmp_path: Path) -> None:
    import logging

    vault.write("Interviews/acme.md", ACME)
    outside = tmp_path / "outside.md"
    with watching(vault) as (watcher, _, _):
        quiet(watcher)
        os.link(vault.root / "Interviews/acme.md", outside)
        with open(outside, "a", encoding="utf-8") as handle:
            handle.write("- [ ] Send the portfolio 📅 2026-11-24\n")  # missed by the observer
        logging.getLogger("watchdog.observers.inotify_c").warning(
            "Inotify queue overflowed; filesystem events were lost"
        )
        wait_for(lambda: "Send the portfolio" in agenda(vault))


def test_sync_conflict_copies_are_problems_never_parsed_or_written(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    copy = "Interviews/acme.sync-conflict-20261124-101010-ABCDEFG.md"
    with watching(vault) as (watcher, _, _):
        vault.write(copy, ACME.replace("Acme Corp", "Conflicted"))
        vault.write("Interviews/acme (Jane's conflicted copy 2026-11-24).md", ACME)
        wait_for(lambda: "sync-conflict copy" in agenda(vault))
        quiet(watcher)
        text = agenda(vault)
        assert "Conflicted" not in text and text.count("sync-conflict copy") == 2
        assert vault.read(copy) == ACME.replace("Acme Corp", "Conflicted").lstrip("\n")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signals_stop_it_cleanly(vault: Vault, sig: signal.Signals) -> None:
    vault.write("Interviews/acme.md", ACME)
    proc = subprocess.Popen(
        [sys.executable, "-m", "vaultfu", "watch", str(vault.root), "--today", "2026-11-24", "-v"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: (vault.root / "Agenda.md").exists())
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=WAIT)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "start → agenda:" in out and "stopped" in err and "Traceback" not in err
    assert "  wrote Agenda.md" in out  # -v says what each update wrote
    assert not [p for p in vault.root.rglob("*") if p.name.endswith(".vaultfu-tmp")]


def test_a_git_checkout_of_many_files(vault: Vault) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=vault.root,
            check=True,
            capture_output=True,
        )

    companies = ["Acme Corp", "Globex", "Initech", "Hooli"]
    for name in companies:
        vault.write(f"Interviews/{name}.md", ACME.replace("Acme Corp", name))
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "waiting")
    for name in companies:
        path = f"Interviews/{name}.md"
        vault.write(
            path, ACME.replace("Acme Corp", name).replace("status: waiting", "status: rejected")
        )
    git("commit", "-qam", "rejected")
    git("checkout", "-q", "HEAD~1")
    with watching(vault) as (_watcher, _, _):
        assert agenda(vault).count("Email a thank-you") == 4
        git("checkout", "-q", "-f", "master" if _has_branch(vault, "master") else "main")
        wait_for(lambda: agenda(vault).count("for the decision and keep the door open") == 4)
        assert "Email a thank-you" not in agenda(vault)


def _has_branch(v: Vault, name: str) -> bool:
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "-q", name], cwd=v.root, capture_output=True
    )
    return found.returncode == 0


@pytest.mark.parametrize(
    ("rel", "note"),
    [
        ("Interviews/acme.md", True),
        ("Interviews/acme.md~", False),
        ("Interviews/.acme.md.swp", False),
        ("Interviews/4913", False),
        ("Interviews/.syncthing.acme.md.tmp", False),
        ("Interviews/.acme.md.abc.vaultfu-tmp", False),
        (".obsidian/workspace.md", False),
        ("Interviews/sedAbC123", False),
    ],
)
def test_which_paths_are_notes(rel: str, note: bool) -> None:
    from vaultfu.vault import is_note

    assert is_note(rel) is note


def test_the_vault_folder_deleted_and_made_again(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    warnings: list[str] = []
    with watching(vault, warn=warnings.append) as (_watcher, _, _):
        shutil.rmtree(vault.root)
        time.sleep(0.2)  # the watcher sees no folder for a while (several ticks)
        vault.root.mkdir()
        vault.write("Interviews/globex.md", ACME.replace("Acme Corp", "Globex"))
        wait_for(lambda: "at Globex" in agenda(vault))
        assert "at Acme Corp" not in agenda(vault)
        assert any("replaced" in w for w in warnings)
        vault.write("Interviews/initech.md", ACME.replace("Acme Corp", "Initech"))
        wait_for(lambda: "at Initech" in agenda(vault))  # and events flow again


def test_a_note_replaced_by_a_folder_of_the_same_name(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    vault.write("Interviews/globex.md", ACME.replace("Acme Corp", "Globex"))
    with watching(vault) as (_watcher, _, _):
        (vault.root / "Interviews/acme.md").unlink()
        (vault.root / "Interviews/acme.md").mkdir()
        (vault.root / "Interviews/acme.md/inside.md").write_text("# not an interview\n")
        wait_for(lambda: "at Acme Corp" not in agenda(vault))
        assert "at Globex" in agenda(vault)


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def test_ten_thousand_events_in_a_burst_and_memory_stays_flat(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    folder = vault.root / "Daily"
    folder.mkdir()

    def burst(round_no: int) -> None:
        # 2,500 notes made, written again and half of them deleted: over 10,000 events
        for i in range(2_500):
            path = folder / f"{i}.md"
            path.write_text(f"# day {i}, round {round_no}\n")
            path.write_text(f"# day {i}, round {round_no}\nmore\n")
        for i in range(0, 2_500, 2):
            (folder / f"{i}.md").unlink()
        company = f"Round{round_no}"
        vault.write(f"Interviews/{company}.md", ACME.replace("Acme Corp", company))
        wait_for(lambda: f"at {company} " in agenda(vault), timeout=60)

    with watching(vault) as (watcher, _, _):
        burst(1)
        quiet(watcher)
        assert len(watcher.index.entries) == 1 + 1 + 1 + 1_250  # two notes, the agenda, Daily
        after_one = rss_mb()
        for round_no in (2, 3):
            burst(round_no)
            quiet(watcher)
        assert rss_mb() - after_one < 20  # two more bursts of 10,000 events: memory stays flat


def test_a_real_inotify_queue_overflow_is_recovered(
    vault: Vault, caplog: pytest.LogCaptureFixture
) -> None:
    """A kernel queue of 16 events for this watcher (set for its inotify instance only, then
    restored) overflows under a burst; watchdog warns, and vaultfu rescans."""
    knob = Path("/proc/sys/fs/inotify/max_queued_events")
    vault.write("Interviews/acme.md", ACME)
    saved = knob.read_text()
    knob.write_text("16\n")
    try:
        ctx = watching(vault, rescan_every=3600)
        watcher, _updates, _ = ctx.__enter__()
    finally:
        knob.write_text(saved)
    try:
        folder = vault.root / "Interviews"
        for i in range(300):
            (folder / f"burst {i}.md").write_text(
                ACME.replace("Acme Corp", f"Burst {i:03d}").lstrip("\n")
            )
        wait_for(lambda: "at Burst 299 " in agenda(vault) and "at Burst 000 " in agenda(vault))
        quiet(watcher)
        text = agenda(vault)
        assert all(f"at Burst {i:03d} " in text for i in range(300))
        assert any("overflow" in r.getMessage().lower() for r in caplog.records)  # it did
    finally:
        ctx.__exit__(None, None, None)


def test_a_single_closed_save_is_acted_on_without_the_debounce() -> None:
    """In-place editors (Obsidian) close the note after writing: that save is over, and the
    watcher need not wait for the burst to settle. Anything else still waits."""
    from vaultfu.watch import _Pending

    pending = _Pending()
    pending.add("Interviews/acme.md")  # modified
    assert not pending.settled()
    pending.add("Interviews/acme.md", closed=True)  # closed after writing
    assert pending.settled()
    pending.add("Interviews/acme.md")  # written again: not over yet
    assert not pending.settled()
    pending.add("Interviews/acme.md", closed=True)
    pending.add("Interviews/globex.md", closed=True)  # a burst of two notes: debounce
    assert not pending.settled()
    pending.take()
    pending.add(None, rescan=True)
    assert not pending.settled()


def test_the_watcher_reads_the_mailbox_every_period(vault: Vault, tmp_path: Path) -> None:
    import mailbox

    from .test_mail import ME, message

    box = mailbox.Maildir(tmp_path / "Mail")
    vault.write(".vaultfu.toml", f'[mail]\nme = ["{ME}"]\nmaildir = ["{tmp_path / "Mail"}"]\n')
    vault.write("Interviews/acme.md", ACME)
    with watching(vault, mail_every=0.3) as (watcher, updates, _):
        wait_for(lambda: any(u.reason.startswith("mail: 0 messages") for u in updates))
        box.add(message("Jane Doe <jane@acme.com>", ME, "Re: Thank you", "2026-11-23"))
        wait_for(lambda: "Jane Doe replied: Re: Thank you" in agenda(vault))
        assert "📨 2026-11-23 Jane Doe replied" in vault.read("Interviews/acme.md")
        box.add(b"From: jane@acme.com\r\nSubject: no date\r\n\r\nbody\r\n")
        wait_for(lambda: "no date that can be read" in agenda(vault))
        count = watcher.cycles
        vault.write("Interviews/acme.md", vault.read("Interviews/acme.md") + "\nmore\n", raw=True)
        wait_for(lambda: watcher.cycles > count)  # a save keeps the mailbox's problem shown
        assert "no date that can be read" in agenda(vault)


def test_words_typed_into_vaultfus_line_are_not_typed_over(vault: Vault) -> None:
    """Obsidian saves as the user types: words typed into the text of vaultfu's line, save
    after save, are the user's; the watcher never writes the line back as vaultfu wrote it."""
    vault.write("Interviews/acme.md", ACME)
    with watching(vault) as (watcher, _updates, _):
        text = vault.read("Interviews/acme.md")
        line = next(x for x in text.split("\n") if "Email a thank-you to Jane Doe" in x)
        typed = ""
        for word in ("(sent", "from", "my", "phone)"):
            typed = f"{typed} {word}".strip()
            count = watcher.cycles
            mine = line.replace("|draft]] ", f"|draft]] {typed} ", 1)
            vault.write("Interviews/acme.md", text.replace(line, mine), raw=True)
            wait_for(lambda count=count: watcher.cycles > count)  # type: ignore[misc]
            quiet(watcher, 0.3)
            assert mine in vault.read("Interviews/acme.md").split("\n")
        assert "Email a thank-you to Jane Doe" in agenda(vault)


def _status(v: Vault, rel: str, status: str) -> None:
    text = v.read(rel)
    v.write(rel, re.sub(r"^status: .*$", f"status: {status}", text, count=1, flags=re.M), raw=True)


def _open_line(v: Vault, rel: str, change: Callable[[str], str]) -> None:
    text = v.read(rel)
    line = next(x for x in text.split("\n") if x.startswith("- [ ] ") and "🆔 vf-" in x)
    v.write(rel, text.replace(line, change(line), 1), raw=True)


def test_once_the_watcher_settles_a_full_run_writes_nothing(sample: Vault) -> None:
    """The watcher plans again only what a save changed (and holds cancellations while saves
    come, `settle`): once saves stop, a full `vaultfu agenda` run of the same day finds nothing
    to write, after each of the edits a user makes as the search moves."""
    wayne = "Interviews/2026-11-17 Wayne Enterprises - Backend Engineer.md"
    acme = "Interviews/2026-11-24 Acme Corp - onsite.md"
    edits: list[Callable[[], None]] = [
        lambda: _status(sample, "Interviews/2026-11-13 Cyberdyne - Platform Engineer.md", "offer"),
        lambda: _open_line(sample, wayne, lambda x: re.sub(r" (?=📅)", " (mine) ", x, count=1)),
        lambda: _open_line(sample, acme, lambda x: x.replace("📅 2026-11-24", "📅 2026-11-26")),
        lambda: _status(sample, "Interviews/2026-10-01 Hooli - SRE.md", "rejected"),
        lambda: sample.write(
            "Agenda.md", re.sub(r"- \[ \] ", "- [x] ", sample.read("Agenda.md"), count=1), raw=True
        ),
        lambda: _status(sample, "Interviews/2026-11-05 Globex - Backend Engineer.md", "accepted"),
    ]
    with watching(sample, settle=0.5) as (watcher, _updates, _):
        for number, edit in enumerate(edits):
            count = watcher.cycles
            edit()
            wait_for(lambda count=count: watcher.cycles > count)  # type: ignore[misc]
            wait_for(lambda: not watcher.held)  # the cancellations held while saves came
            quiet(watcher, 0.4)
            before = sample.snapshot()
            done = subprocess.run(
                [sys.executable, "-m", "vaultfu", "agenda", str(sample.root)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            assert done.returncode in (0, 1), done.stderr
            assert sample.snapshot() == before, (number, done.stdout[-600:])


def test_the_tasks_plugins_filter_set_while_watching(vault: Vault) -> None:
    """Obsidian saves the Tasks plugin's settings: the watcher reads them again, its lines take
    the filter, and the user's lines without it leave the agenda, also those of an application
    whose planning looks at no line of vaultfu's (nothing planned with no filter is kept)."""
    body = "- [ ] #task Send Jane the write-up 📅 2026-11-25\n"
    vault.write("Interviews/acme.md", ACME.replace("Notes.\n", body))
    closed = ACME.replace("Acme Corp", "Globex").replace("status: waiting", "status: withdrawn")
    vault.write("Interviews/globex.md", closed + "- [ ] Pack the laptop 📅 2026-11-24\n")
    plugin = vault.root / ".obsidian/plugins/obsidian-tasks-plugin"
    plugin.mkdir(parents=True)  # the plugin installed, its settings not saved yet
    with watching(vault) as (watcher, _, _):
        assert "Pack the laptop" in agenda(vault) and "Send Jane the write-up" in agenda(vault)
        quiet(watcher)
        settings = '{"globalFilter": "#task", "removeGlobalFilter": true}'
        (plugin / "data.json").write_text(settings, encoding="utf-8")
        wait_for(lambda: "#task Email a thank-you" in vault.read("Interviews/acme.md"))
        quiet(watcher)
        assert "Pack the laptop" not in agenda(vault)
        assert "- [ ] Send Jane the write-up · [[acme]]" in agenda(vault)
