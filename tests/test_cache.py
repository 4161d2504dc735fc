"""The cache: outside the vault, keyed by path, size and mtime; safe to delete or corrupt."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from msgspec.structs import replace

from vaultfu import vault as disk
from vaultfu.engine import run
from vaultfu.model import Problem, RunResult

from .conftest import ACME, TODAY, Vault

OLD = 1_600_000_000_000_000_000  # 2020: far from any cache's mtime


def go(v: Vault) -> RunResult:
    return run(v.root, today=TODAY, clock=dt.date(2000, 1, 1), write=False)


def age(path: Path) -> None:
    os.utime(path, ns=(OLD, OLD))


def swap_same_size(v: Vault, rel: str, old: str, new: str) -> None:
    """Change a note without changing its size or mtime: only a cache would not see it."""
    path = v.root / rel
    assert len(old) == len(new)
    path.write_text(path.read_text().replace(old, new))
    age(path)


def companies(result: RunResult) -> set[str]:
    return {a.company for a in result.agenda.actions}


def test_cache_lives_outside_the_vault_and_is_used(vault: Vault, own_cache: Path) -> None:
    age(vault.write("Interviews/acme.md", ACME))
    before = vault.snapshot()
    assert companies(go(vault)) == {"Acme Corp"}
    assert vault.snapshot() == before  # --no-write: nothing in the vault
    assert disk.cache_file(vault.root).is_relative_to(own_cache)
    assert disk.cache_file(vault.root).exists()
    swap_same_size(vault, "Interviews/acme.md", "Acme Corp", "Zeta Corp")
    assert companies(go(vault)) == {"Acme Corp"}  # from the cache: the note looked unchanged
    disk.cache_file(vault.root).unlink()  # deleting the cache loses nothing
    assert companies(go(vault)) == {"Zeta Corp"}


def test_an_older_versions_pickle_is_removed_not_read(vault: Vault) -> None:
    old = disk.cache_file(vault.root).with_suffix(".pickle")
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"\x80\x05K\x01.")
    age(vault.write("Interviews/acme.md", ACME))
    assert companies(go(vault)) == {"Acme Corp"}
    assert not old.exists() and disk.cache_file(vault.root).exists()


def test_a_changed_note_is_read_again(vault: Vault) -> None:
    age(vault.write("Interviews/acme.md", ACME))
    go(vault)
    vault.write("Interviews/acme.md", ACME.replace("Acme Corp", "Globex Corporation"))
    age(vault.root / "Interviews/acme.md")  # another size: the key differs
    assert companies(go(vault)) == {"Globex Corporation"}


def test_a_corrupt_or_foreign_cache_is_ignored(vault: Vault) -> None:
    age(vault.write("Interviews/acme.md", ACME))
    go(vault)
    cache = disk.cache_file(vault.root)
    swap_same_size(vault, "Interviews/acme.md", "Acme Corp", "Zeta Corp")
    data = cache.read_bytes()
    half = data[: len(data) // 2]
    # what a crash can leave of a cache that was never fsynced: nothing, a part, NULs
    crashed = (b"", half, half + b"\0" * (len(data) - len(half)), b"\0" * len(data))
    for junk in (*crashed, b"not a pickle", data[:-10], b"\x80\x05K\x01."):
        cache.write_bytes(junk)
        assert companies(go(vault)) == {"Zeta Corp"}


def test_another_config_does_not_use_the_cache(vault: Vault) -> None:
    age(vault.write("Interviews/acme.md", ACME))
    go(vault)
    swap_same_size(vault, "Interviews/acme.md", "Acme Corp", "Zeta Corp")
    vault.write(".vaultfu.toml", "lead_days = 2\n", raw=True)
    assert companies(go(vault)) == {"Zeta Corp"}


def test_a_note_written_just_before_the_cache_is_not_trusted(vault: Vault) -> None:
    """Racy mtimes, as git handles them: a note changed in the same instant as the cache was
    written could change again without its mtime moving, so it is read again next time."""
    vault.write("Interviews/acme.md", ACME)  # mtime: now
    go(vault)
    path = vault.root / "Interviews/acme.md"
    stamp = path.stat().st_mtime_ns
    path.write_text(path.read_text().replace("Acme Corp", "Zeta Corp"))
    os.utime(path, ns=(stamp, stamp))
    assert companies(go(vault)) == {"Zeta Corp"}


def test_a_first_scan_reports_its_progress(vault: Vault) -> None:
    from vaultfu.config import Config
    from vaultfu.index import load
    from vaultfu.reading import PARALLEL_FROM

    for i in range(PARALLEL_FROM + 50):  # enough for the children
        age(vault.write(f"Notes/{i}.md", f"# {i}\n"))
    seen: list[tuple[int, int]] = []
    load(vault.root, Config(), progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (PARALLEL_FROM + 50, PARALLEL_FROM + 50)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    seen.clear()
    load(vault.root, Config(), progress=lambda done, total: seen.append((done, total)))
    assert seen == []  # a warm run reads nothing: no progress to report


def test_the_progress_bar_shows_on_a_terminal_only_after_a_while(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from vaultfu.output import FirstScan

    monkeypatch.setenv("FORCE_COLOR", "1")  # rich's stand-in for a terminal
    monkeypatch.delenv("NO_COLOR", raising=False)
    quick = FirstScan(after=3600)
    quick(5, 10)
    quick.close()
    assert capsys.readouterr().err == ""
    slow = FirstScan(after=0)
    slow(5, 10)
    slow(10, 10)
    slow.close()
    assert "reading the vault" in capsys.readouterr().err


class _Bomb:
    """Unpickled, this would run a shell command that leaves a file behind."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch '{self.marker}'",))


def test_a_cache_crafted_to_run_code_is_ignored_and_runs_nothing(
    vault: Vault, tmp_path: Path
) -> None:
    import pickle

    age(vault.write("Interviews/acme.md", ACME))
    go(vault)
    swap_same_size(vault, "Interviews/acme.md", "Acme Corp", "Zeta Corp")
    marker = tmp_path / "pwned"
    bomb = pickle.dumps(_Bomb(marker))
    pickle.loads(bomb)  # the bomb is real: loading it with pickle runs the command
    assert marker.exists()
    marker.unlink()
    disk.cache_file(vault.root).write_bytes(bomb)
    assert companies(go(vault)) == {"Zeta Corp"}  # ignored: the note is read again
    assert not marker.exists()


def test_a_cache_of_the_wrong_shape_is_ignored(vault: Vault) -> None:
    import json

    age(vault.write("Interviews/acme.md", ACME))
    go(vault)
    cache = disk.cache_file(vault.root)
    good = json.loads(cache.read_bytes())
    swap_same_size(vault, "Interviews/acme.md", "Acme Corp", "Zeta Corp")
    (rel,) = good["special"]
    key, interview, problems = good["special"][rel]

    def with_special(entry: object) -> dict[str, object]:
        return {**good, "special": {rel: entry}}

    wrong = [
        with_special([key, {**interview, "date": "not a date"}, problems]),
        with_special([key, {**interview, "status": "hired"}, problems]),  # no such status
        with_special([key, {"company": "Acme"}, problems]),  # required facts missing
        with_special([key, [*interview.values()], problems]),  # not a record
        with_special([[1, "2"], interview, problems]),  # a key of text
        {k: v for k, v in good.items() if k != "people"},  # a part missing
        {"__class__": "os.system", "args": ["touch x"]},
        json.loads("[" * 60 + "]" * 60),  # nested lists where records belong
    ]
    for junk in wrong:
        cache.write_bytes(json.dumps(junk).encode())
        assert companies(go(vault)) == {"Zeta Corp"}, junk
    cache.write_bytes(b"[" * 100_000)  # deeper than the JSON reader goes
    assert companies(go(vault)) == {"Zeta Corp"}


def test_every_interview_reads_back_from_the_cache_as_it_was(tmp_path: Path) -> None:
    """The cache's data format holds every fact a parsed note has, with its type: the sample
    vault, the hostile corpus and a generated vault's interviews."""
    from bench.generate import generate
    from vaultfu import cache
    from vaultfu.config import Config
    from vaultfu.model import Interview
    from vaultfu.notes import parse_one

    from .conftest import ROOT, SAMPLE

    generate(tmp_path, notes=400, kind="interviews")
    seen = 0
    corpus = (ROOT / "tests" / "corpus").rglob("*.md")
    for path in [*SAMPLE.rglob("*.md"), *corpus, *tmp_path.rglob("*.md")]:
        try:
            found = parse_one(path.name, path.read_bytes(), Config())
        except Exception:
            continue
        if found is None:
            continue
        interview, problems = found
        assert cache.loads(cache.dumps(interview), Interview) == interview
        assert cache.loads(cache.dumps(problems), tuple[Problem, ...]) == problems  # type: ignore[arg-type]
        seen += 1
    assert seen >= 300


def _many_kinds(sample: Vault) -> list[str]:
    """A vault large enough for the children: interviews with tasks and drafts, a BOM, CRLF,
    a broken note, a UTF-16 one, person notes, plain notes. Returns its notes."""
    from vaultfu.reading import PARALLEL_FROM

    for i in range(PARALLEL_FROM):
        sample.write(f"Notes/{i:03}.md", f"---\ntags: [x]\n---\n# {i}\n- [ ] plain {i}\n")
    acme = ACME + "- [ ] call back 📅 2026-11-25\n"
    sample.write("Interviews/bom.md", "\ufeff" + acme.replace("Acme", "Bom"), raw=True)
    crlf = acme.replace("Acme", "Crlf").replace("\n", "\r\n")
    sample.write("Interviews/crlf.md", crlf, raw=True)
    sample.write("Interviews/broken.md", "---\ntype: interview\ncompany: [\n---\n", raw=True)
    (sample.root / "Interviews/utf16.md").write_bytes(acme.encode("utf-16"))
    run(sample.root, today=TODAY, clock=TODAY, write=True)  # tasks and drafts written
    # by a cold run, with children: each note edited in its own encoding and line endings
    bom, crlf = (sample.root / "Interviews/bom.md").read_bytes(), sample.read("Interviews/crlf.md")
    assert bom.startswith(b"\xef\xbb\xbf") and b"\xef\xbb\xbf" not in bom[3:]
    assert "## Follow-ups" in crlf and "\n" not in crlf.replace("\r\n", "")
    assert b"## Follow-ups" in bom
    rels = [rel for rel, _ in disk.scan(sample.root, [])]
    assert len(rels) > PARALLEL_FROM + 10
    return rels


def _serial_and_forked(sample: Vault) -> tuple[dict[str, Any], dict[str, Any]]:
    from vaultfu.index import Index

    config = disk.read_config(sample.root)
    serial = Index(sample.root, config)
    serial.refresh()
    forked = Index(sample.root, config, parallel=True)
    forked.refresh()
    return serial.entries, forked.entries


def test_the_children_read_exactly_what_one_process_reads(sample: Vault) -> None:
    """A first read shared with child processes (they send msgpack, each note's text decoded
    again from its bytes) gives the same entries as a read in one process."""
    from vaultfu.reading import read_person

    _many_kinds(sample)
    serial, forked = _serial_and_forked(sample)
    # the children send no bytes (a note is read again when an edit needs it); this process
    # keeps those of its own share
    assert {r: replace(e, source=None) for r, e in forked.items()} == {
        r: replace(e, source=None) for r, e in serial.items()
    }
    kept = {rel for rel, e in forked.items() if e.source is not None}
    assert kept and all(forked[rel].source == serial[rel].source for rel in kept)
    assert any(e.interview and not e.source for e in forked.values())
    found = [e for e in forked.values() if e.interview is not None]
    assert any(e.interview.drafts for e in found if e.interview)
    assert any(e.problems for e in forked.values())
    # person notes are read with the rest: the same fields a later read of the note gives
    people = {rel: e.person[0] for rel, e in forked.items() if e.person}
    assert {"People/Jane Doe.md", "People/Bob Smith.md"} <= set(people)
    assert people == {rel: read_person(sample.root, rel) for rel in people}
    assert people["People/Jane Doe.md"]["email"] == "jane.doe@acme.example"


def test_a_child_that_dies_has_its_share_read_by_the_parent(
    sample: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child killed before it sends anything (the OOM killer, a kill) costs only time."""
    from vaultfu import reading

    _many_kinds(sample)
    monkeypatch.setattr(reading, "_read_share", lambda *a: os.kill(os.getpid(), signal.SIGKILL))
    monkeypatch.setattr(reading, "_cores", lambda: 3)  # two children, both killed
    serial, forked = _serial_and_forked(sample)
    assert forked == serial
    # a child that exits well but sends what does not decode: the same
    monkeypatch.setattr(reading, "_read_share", lambda *a: b"\xc1 not msgpack")
    serial, forked = _serial_and_forked(sample)
    assert forked == serial


def test_the_queue_hands_out_every_note_once_at_any_size() -> None:
    """However many notes, the queue's tokens fit in the pipe before any process reads (a
    fuller pipe would block the filling forever: two million notes in runs of 16 would be
    500 KB of tokens), and taking until the end gives every note once, in order. In a child
    process, so that a queue that blocks fails the test instead of hanging it."""
    code = """
from vaultfu.reading import _Queue
for count in (1, 16, 17, 40_000, 2_000_000):
    rels = [f"{i}.md" for i in range(count)]
    queue = _Queue(rels)
    assert list(queue.taken()) == rels
    assert list(queue.taken()) == []  # emptied: every process is told it is done
    queue.close()
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout == "ok\n", done.stderr


def test_a_process_that_is_free_takes_the_next_notes(
    sample: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notes are handed out in runs to whichever process asks first, not in fixed shares:
    a child slowed down (here: 20 ms a note) leaves most of the reading to the parent, and
    every note is read once, as one process reads it."""
    from vaultfu import reading
    from vaultfu.index import Index
    from vaultfu.reading import PARALLEL_FROM

    for i in range(PARALLEL_FROM + 56):
        sample.write(f"Interviews/{i:03}.md", ACME.replace("Acme Corp", f"Acme {i:03}"))
    parent, read_entry = os.getpid(), reading.read_entry

    def slow_in_a_child(*args: Any, **kwargs: Any) -> reading.Entry:
        if os.getpid() != parent:
            time.sleep(0.02)
        return read_entry(*args, **kwargs)

    monkeypatch.setattr(reading, "read_entry", slow_in_a_child)
    monkeypatch.setattr(reading, "_cores", lambda: 2)
    config = disk.read_config(sample.root)
    serial, forked = Index(sample.root, config), Index(sample.root, config, parallel=True)
    serial.refresh()
    forked.refresh()
    assert {r: replace(e, source=None) for r, e in forked.entries.items()} == {
        r: replace(e, source=None) for r, e in serial.entries.items()
    }
    here = [rel for rel, e in forked.entries.items() if e.source is not None]  # read here
    there = [rel for rel, e in forked.entries.items() if e.interview and e.source is None]
    assert there and len(here) > 4 * len(there)


@pytest.mark.parametrize("memory_file", [True, False])
def test_the_children_answer_in_files_that_are_closed_after(
    sample: Vault, monkeypatch: pytest.MonkeyPatch, memory_file: bool
) -> None:
    """Each child leaves its answer in a file of its own (a memory file where the system has
    one, else an unlinked temporary file): the same entries either way, and no file is left
    open (or on disk) once they are read."""
    from vaultfu import reading

    _many_kinds(sample)
    monkeypatch.setattr(reading, "_cores", lambda: 3)  # two children, even on one core
    if not memory_file:
        monkeypatch.delattr(os, "memfd_create", raising=False)
    temp = Path(tempfile.gettempdir())
    before_temp = set(temp.glob("vaultfu-share-*"))
    before = set(os.listdir("/proc/self/fd"))
    serial, forked = _serial_and_forked(sample)
    assert {r: replace(e, source=None) for r, e in forked.items()} == {
        r: replace(e, source=None) for r, e in serial.items()
    }
    assert set(os.listdir("/proc/self/fd")) == before
    assert set(temp.glob("vaultfu-share-*")) == before_temp


def test_an_interrupted_read_leaves_no_child_behind(
    sample: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during a first read (here: raised by the progress callback) stops the children
    and waits for them; none is left running or as a zombie."""
    from vaultfu import index, reading

    _many_kinds(sample)
    monkeypatch.setattr(reading, "_cores", lambda: 2)  # children even on a machine of one core
    before = _children()

    def interrupt(done: int, total: int) -> None:
        assert _children() - before  # the children are running
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index.load(sample.root, disk.read_config(sample.root), cache=False, progress=interrupt)
    assert _children() == before


def _children() -> set[str]:
    me = os.getpid()
    return set(Path(f"/proc/{me}/task/{me}/children").read_text().split())


def test_a_person_note_whose_email_is_past_its_first_2_kb_is_still_read(sample: Vault) -> None:
    """The children look for contact fields in a note's first 2 KB only; a person note with a
    long frontmatter is read when the link to it is resolved, with the same result."""
    from vaultfu.index import load
    from vaultfu.reading import PARALLEL_FROM

    for i in range(PARALLEL_FROM):  # enough notes for the children
        sample.write(f"Notes/{i:03}.md", f"# {i}\n")
    about = "".join(f"  - topic {i}\n" for i in range(300))
    sample.write(
        "People/Jane Doe.md",
        f"---\ntopics:\n{about}email: jane.long@acme.example\n---\nMet at the onsite.\n",
    )
    assert (sample.root / "People/Jane Doe.md").stat().st_size > 4096
    loaded = load(sample.root, disk.read_config(sample.root), cache=False)
    emails = {p.email for i in loaded.interviews for p in i.interviewers if p.name == "Jane Doe"}
    assert emails == {"jane.long@acme.example"}


def test_cold_and_warm_runs_agree_day_after_day_on_a_vault_the_children_read(
    sample: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample vault and enough notes for the children, lived with for five days with an
    edit before each run: a cold run (no cache, no record: the scan takes no stamps, the
    children read) on a copy prints and writes exactly what the warm run on the vault does,
    and a second run writes nothing."""
    import shutil

    from click.testing import CliRunner

    from vaultfu import reading
    from vaultfu.cli import main

    monkeypatch.setattr(reading, "_cores", lambda: 2)  # children even on a machine of one core
    for i in range(reading.PARALLEL_FROM + 100):
        sample.write(f"Notes/{i:03}.md", f"---\ntags: [x]\n---\n# {i}\n- [ ] plain {i}\n")
    warm = tmp_path / "warm-cache"

    def agenda(root: Path, day: str, cache: Path) -> str:
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
        found = CliRunner().invoke(main, ["agenda", "--json", "--today", day, str(root)])
        assert found.exit_code == 0, found.output
        return found.output

    notes = sorted((sample.root / "Interviews").glob("*.md"))
    for n, day in enumerate(["2026-11-20", "2026-11-21", "2026-11-23", "2026-11-24", "2026-11-27"]):
        note = notes[n % len(notes)]
        text = note.read_text()
        if n % 2 == 0 and "- [ ] " in text:
            note.write_text(text.replace("- [ ] ", "- [x] ", 1))  # a box ticked
        else:
            note.write_text(text + f"\nA line added on {day}.\n")
        copy = tmp_path / f"cold-{n}"
        shutil.copytree(sample.root, copy)
        said = agenda(sample.root, day, warm)
        assert agenda(copy, day, tmp_path / f"cold-cache-{n}") == said
        assert Vault(copy).snapshot() == sample.snapshot()
        before = sample.snapshot()
        assert agenda(sample.root, day, warm) == said
        assert sample.snapshot() == before


def test_a_note_removed_before_its_edits_are_planned_is_not_made_again(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child parses an interview note; the user removes (or renames) it before the run plans
    its edits, which reads it again: an edit is worked out from the text it is made to, and
    there is none, so the note is not written back as a stub of follow-ups."""
    import time

    from vaultfu import reading

    monkeypatch.setattr(reading, "_cores", lambda: 2)
    for i in range(reading.PARALLEL_FROM + 50):
        vault.write(f"Notes/{i:03}.md", f"# {i}\n")
    name = "Interviews/acme.md"
    vault.write(name, ACME)  # due a thank-you: it gets a task and a draft
    if [r for r, _ in disk.scan(vault.root, [])].index(name) % 2 == 0:
        vault.write("Interviews/0.md", "# a plain note, listed just before\n")
    assert [r for r, _ in disk.scan(vault.root, [])].index(name) % 2 == 1  # a child's share
    read = tmp_path / "child-has-read"
    share = reading._read_share

    def read_and_say_so(*args: Any) -> bytes:
        found = share(*args)
        read.write_text("done")
        return found

    monkeypatch.setattr(reading, "_read_share", read_and_say_so)

    def remove_once_the_child_has_read(done: int, total: int) -> None:
        deadline = time.monotonic() + 30
        while not read.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        (vault.root / name).unlink(missing_ok=True)

    result = run(
        vault.root, today=TODAY, clock=TODAY, write=True, progress=remove_once_the_child_has_read
    )
    assert read.exists()
    assert not (vault.root / name).exists()
    assert result.written == ("Agenda.md",)
    assert any(a.note == name for a in result.agenda.actions)  # it was read, and planned
