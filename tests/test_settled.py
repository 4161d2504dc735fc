"""A settled vault answers from the last quiet run's record, and only while nothing that run read
has changed: every change a user can make is seen, each checked against a run with no record."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultfu import settled
from vaultfu import vault as disk
from vaultfu.cli import main

from .conftest import ACME, Vault

OLD = 1_600_000_000_000_000_000  # 2020: far from the record's own mtime
DAY = "2026-11-24"


class Aged:
    """Gives each file written an old mtime of its own, so a run's record can be trusted (a
    stamp close to the record's mtime proves nothing) while every change still shows."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tick = 0

    def all(self) -> None:
        for folder, _, files in os.walk(self.root):
            for name in files:
                self.one(Path(folder) / name)

    def one(self, path: Path) -> None:
        self.tick += 1_000_000_000
        os.utime(path, ns=(OLD + self.tick, OLD + self.tick))


def agenda(root: Path, *args: str, today: str = DAY) -> str:
    result = CliRunner().invoke(main, ["agenda", "--json", "--today", today, *args, str(root)])
    assert result.exit_code == 0, result.output
    return result.output


def record(root: Path) -> Path:
    return disk.cache_file(root.resolve(), settled.SUFFIX)


@pytest.fixture
def settled_vault(vault: Vault) -> tuple[Vault, Aged]:
    vault.write("Interviews/acme.md", ACME.replace("Jane Doe <jane@acme.com>", '"[[Jane Doe]]"'))
    vault.write("People/Jane Doe.md", "---\nemail: jane@acme.com\n---\n")
    aged = Aged(vault.root)
    agenda(vault.root)  # the first run writes the tasks, drafts and the agenda
    aged.all()
    agenda(vault.root)  # nothing to write: this one is recorded
    assert record(vault.root).exists()
    return vault, aged


def test_a_quiet_run_is_answered_from_its_record(settled_vault: tuple[Vault, Aged]) -> None:
    v, _ = settled_vault
    before = agenda(v.root)
    # Change a note's bytes behind the stamps (same size, same mtime): only an answer taken
    # from the record would not see it.
    path = v.root / "Interviews/acme.md"
    stat = path.stat()
    path.write_text(path.read_text().replace("Acme Corp", "Acme Corq"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert agenda(v.root) == before
    assert "Acme Corp" in before
    record(v.root).unlink()  # deleting the caches loses nothing: the notes answer
    disk.cache_file(v.root.resolve()).unlink()
    assert "Acme Corq" in agenda(v.root)


def _tick_in_agenda(v: Vault, aged: Aged) -> None:
    text = v.read("Agenda.md")
    assert "- [ ] " in text
    v.write("Agenda.md", text.replace("- [ ] ", "- [x] ", 1), raw=True)
    aged.one(v.root / "Agenda.md")


def _edit_note(v: Vault, aged: Aged) -> None:
    text = v.read("Interviews/acme.md")
    v.write("Interviews/acme.md", text.replace("status: waiting", "status: offer"), raw=True)
    aged.one(v.root / "Interviews/acme.md")


def _new_note(v: Vault, aged: Aged) -> None:
    aged.one(v.write("Interviews/globex.md", ACME.replace("Acme Corp", "Globex")))


def _note_gone(v: Vault, aged: Aged) -> None:
    (v.root / "People/Jane Doe.md").unlink()


def _person_note(v: Vault, aged: Aged) -> None:
    aged.one(v.write("People/Jane Doe.md", "---\nemail: jane.doe@acme.com\n---\n"))


def _settings(v: Vault, aged: Aged) -> None:
    aged.one(v.write(".vaultfu.toml", "[playbook]\nthank_you_expires_days = 0\n"))


def _template(v: Vault, aged: Aged) -> None:
    aged.one(v.write(".vaultfu/templates/thank-you-email.md", "Thanks, {{ first_name }}!\n"))


def _obsidian_templates(v: Vault, aged: Aged) -> None:
    folder = v.root / ".obsidian"
    folder.mkdir(exist_ok=True)
    (folder / "templates.json").write_text('{"folder": "Interviews"}')
    aged.one(folder / "templates.json")


def _tasks_filter(v: Vault, aged: Aged) -> None:
    """The Tasks plugin's global filter set in its settings: vaultfu's lines take it."""
    rel = ".obsidian/plugins/obsidian-tasks-plugin/data.json"
    aged.one(v.write(rel, '{"globalFilter": "#task"}', raw=True))


def _left_temp_file(v: Vault, aged: Aged) -> None:
    (v.root / "Interviews/.acme.md.999999999.x.vaultfu-tmp").write_text("half a write")


CHANGES: dict[str, Callable[[Vault, Aged], None]] = {
    "a tick in the agenda": _tick_in_agenda,
    "a note's facts": _edit_note,
    "a new interview note": _new_note,
    "a person note deleted": _note_gone,
    "a person note's fields": _person_note,
    "the settings": _settings,
    "a draft template": _template,
    "Obsidian's templates folder": _obsidian_templates,
    "the Tasks plugin's global filter": _tasks_filter,
    "a write cut short": _left_temp_file,
}


def _compare(
    v: Vault,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Vault, Aged], None],
    aged: Aged,
    today: str = DAY,
) -> None:
    twin = tmp_path / "twin"  # the same vault, never recorded: the answer to compare with
    shutil.copytree(v.root, twin)
    change(v, aged)
    change(Vault(twin), Aged(twin))
    seen = agenda(v.root, today=today)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "no-cache"))
    assert seen == agenda(twin, today=today)
    assert v.snapshot() == Vault(twin).snapshot()  # the same writes, too


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_any_change_is_seen(
    change: str,
    settled_vault: tuple[Vault, Aged],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    v, aged = settled_vault
    _compare(v, tmp_path, monkeypatch, CHANGES[change], aged)


def test_another_day_is_planned_again(
    settled_vault: tuple[Vault, Aged], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    v, aged = settled_vault
    _compare(v, tmp_path, monkeypatch, lambda v, a: None, aged, today="2026-12-20")
    assert json.loads(agenda(v.root, today="2026-12-20"))["today"] == "2026-12-20"


def test_a_fresh_stamp_is_not_trusted(settled_vault: tuple[Vault, Aged]) -> None:
    """A note saved within two seconds of the record could be saved again with the same size
    and mtime: that record is not used, the notes are read."""
    v, _ = settled_vault
    path = v.root / "Interviews/acme.md"
    path.touch()  # a save that changes no byte: nothing to write, so the run is recorded
    fresh = path.stat().st_mtime_ns
    agenda(v.root)
    assert record(v.root).stat().st_mtime_ns - fresh < settled.RACY_NS
    path.write_text(path.read_text().replace("Acme Corp", "Acme Corq"))
    os.utime(path, ns=(fresh, fresh))  # the second save, in the same mtime tick
    assert "Acme Corq" in agenda(v.root)


@pytest.mark.parametrize(
    "garbage", [b"", b"{}", b"[1,2]", b"\x80\x81", b'{"key": 1}', "half", "half-nul", "nul"]
)
def test_a_broken_record_is_ignored(
    settled_vault: tuple[Vault, Aged], garbage: bytes | str
) -> None:
    """Junk, and what a crash can leave of a record that was never fsynced."""
    v, _ = settled_vault
    before = agenda(v.root)
    data = record(v.root).read_bytes()
    half = data[: len(data) // 2]
    crashed = {"half": half, "half-nul": half.ljust(len(data), b"\0"), "nul": b"\0" * len(data)}
    record(v.root).write_bytes(crashed[garbage] if isinstance(garbage, str) else garbage)
    assert agenda(v.root) == before


def test_only_a_run_that_writes_nothing_is_recorded(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    agenda(vault.root)  # writes tasks, drafts and the agenda
    assert not record(vault.root).exists()
    Aged(vault.root).all()
    agenda(vault.root)
    assert record(vault.root).exists()


def test_a_cold_run_records_each_notes_stamp_as_it_was_read(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no cache and no record the scan takes no stamps; the record keeps each note's
    stamp from when it was read. A note saved after it was read, during that run, is read
    again by the next run (a stamp taken at the end would hide the save)."""
    import datetime as dt

    from vaultfu import engine, reading

    vault.write("Interviews/acme.md", ACME)
    for i in range(reading.PARALLEL_FROM + 50):
        vault.write(f"Notes/{i:03}.md", f"# {i}\n")
    aged = Aged(vault.root)
    agenda(vault.root)  # tasks, drafts and the agenda written
    aged.all()
    record(vault.root).unlink(missing_ok=True)
    disk.cache_file(vault.root.resolve()).unlink()
    monkeypatch.setattr(reading, "_cores", lambda: 1)  # read in order, here: acme.md first
    day = dt.date.fromisoformat(DAY)
    quiet, scanned = settled.check(vault.root, today=day, clock=day, edits=True)
    assert quiet is None and all(key is None for _, key in scanned.notes)
    note = vault.root / "Interviews/acme.md"

    def save_during_the_run(done: int, total: int) -> None:
        if "Acme Corq" not in note.read_text():  # after acme.md was read
            note.write_text(note.read_text().replace("Acme Corp", "Acme Corq"))
            aged.one(note)

    engine.run(
        vault.root, today=day, clock=day, write=True, progress=save_during_the_run, scanned=scanned
    )
    assert "Acme Corq" in note.read_text()  # saved during the run
    assert record(vault.root).exists()
    assert "Acme Corq" in agenda(vault.root)


def test_the_record_of_a_cold_run_answers_the_next_run(settled_vault: tuple[Vault, Aged]) -> None:
    """A run with no cache and no record (whose scan took no stamps) keeps a record the next
    run can answer from: the stamps it keeps are the notes' own."""
    v, _ = settled_vault
    record(v.root).unlink()
    disk.cache_file(v.root.resolve()).unlink()
    before = agenda(v.root)  # cold
    assert record(v.root).exists()
    path = v.root / "Interviews/acme.md"
    stat = path.stat()
    path.write_text(path.read_text().replace("Acme Corp", "Acme Corq"))  # behind the stamps
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert agenda(v.root) == before  # answered from the record
