"""The cache: outside the vault, keyed by path, size and mtime; safe to delete or corrupt."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from vaultfu import vault as disk
from vaultfu.engine import RunResult, run

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
    for junk in (b"", b"not a pickle", cache.read_bytes()[:-10], b"\x80\x05K\x01."):
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
    from vaultfu.engine import PARALLEL_FROM, load

    for i in range(PARALLEL_FROM + 50):  # enough for the process pool
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
