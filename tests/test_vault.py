"""The disk port: atomic, checked, permission- and link-preserving writes, on real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vaultfu import vault
from vaultfu.errors import Refused, WriteConflict


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(vault.TMP_SUFFIX)]


def test_write_replaces_and_skips_when_unchanged(tmp_path: Path) -> None:
    (tmp_path / "n.md").write_bytes(b"old\n")
    snap = vault.read(tmp_path, "n.md")
    assert vault.write(tmp_path, snap, b"new\n")
    assert (tmp_path / "n.md").read_bytes() == b"new\n"
    snap = vault.read(tmp_path, "n.md")
    mtime = (tmp_path / "n.md").stat().st_mtime_ns
    assert not vault.write(tmp_path, snap, b"new\n")
    assert (tmp_path / "n.md").stat().st_mtime_ns == mtime
    assert leftovers(tmp_path) == []


def test_write_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old\n")
    path.chmod(0o640)
    vault.write(tmp_path, vault.read(tmp_path, "n.md"), b"new\n")
    assert path.stat().st_mode & 0o777 == 0o640


def test_symlinked_note_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "Archive" / "real.md"
    real.parent.mkdir()
    real.write_bytes(b"old\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    vault.write(tmp_path, vault.read(tmp_path, "link.md"), b"new\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"new\n"
    assert leftovers(real.parent) == [] and leftovers(tmp_path) == []


def test_a_link_to_a_file_outside_the_vault_is_never_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_bytes(b"theirs\n")
    root = tmp_path / "v"
    root.mkdir()
    (root / "link.md").symlink_to(outside)
    with pytest.raises(Refused, match="outside the vault"):
        vault.write(root, vault.read(root, "link.md"), b"vaultfu\n")
    assert outside.read_bytes() == b"theirs\n"
    assert leftovers(root) == [] and leftovers(tmp_path) == []


def test_a_hard_linked_note_is_refused_not_split(tmp_path: Path) -> None:
    (tmp_path / "n.md").write_bytes(b"old\n")
    os.link(tmp_path / "n.md", tmp_path / "twin.md")
    with pytest.raises(Refused, match="hard links"):
        vault.write(tmp_path, vault.read(tmp_path, "n.md"), b"new\n")
    assert (tmp_path / "twin.md").read_bytes() == b"old\n" == (tmp_path / "n.md").read_bytes()


def test_stale_temporary_files_are_swept(tmp_path: Path) -> None:
    (tmp_path / "n.md").write_bytes(b"x")
    stale = tmp_path / f".n.md.abc{vault.TMP_SUFFIX}"
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    fresh = tmp_path / f".n.md.def{vault.TMP_SUFFIX}"
    fresh.write_bytes(b"under way")
    found: list[str] = []
    assert [rel for rel, _ in vault.scan(tmp_path, found)] == ["n.md"]
    assert sorted(found) == sorted([stale.name, fresh.name])
    assert vault.sweep(tmp_path, found) == [stale.name]
    assert not stale.exists() and fresh.exists()


def test_another_process_writing_in_between_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"mine\n")
    snap = vault.read(tmp_path, "n.md")
    subprocess.run(
        [sys.executable, "-c", f"open({str(path)!r}, 'ab').write(b'theirs\\n')"], check=True
    )
    with pytest.raises(WriteConflict):
        vault.write(tmp_path, snap, b"vaultfu\n")
    assert path.read_bytes() == b"mine\ntheirs\n"
    assert leftovers(tmp_path) == []


def test_same_size_same_mtime_rewrite_is_caught_by_the_hash(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"aaaa\n")
    snap = vault.read(tmp_path, "n.md")
    path.write_bytes(b"bbbb\n")
    os.utime(path, ns=(snap.mtime_ns, snap.mtime_ns))
    with pytest.raises(WriteConflict):
        vault.write(tmp_path, snap, b"cccc\n")
    assert path.read_bytes() == b"bbbb\n"


def test_a_file_that_appears_before_creation_is_not_overwritten(tmp_path: Path) -> None:
    snap = vault.read(tmp_path, "Agenda.md")
    assert snap.data is None
    (tmp_path / "Agenda.md").write_bytes(b"the user's\n")
    with pytest.raises(WriteConflict):
        vault.write(tmp_path, snap, b"vaultfu's\n")
    assert (tmp_path / "Agenda.md").read_bytes() == b"the user's\n"


def test_scan_skips_hidden_folders_and_folder_links(tmp_path: Path) -> None:
    for rel in ("a.md", "sub/b.md", ".obsidian/c.md", ".git/d.md", "sub/e.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / "loop").symlink_to(tmp_path)
    assert sorted(rel for rel, _ in vault.scan(tmp_path)) == ["a.md", "sub/b.md"]


def test_template_override_must_stay_inside_the_vault(tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text("secret")
    root = tmp_path / "v"
    (root / ".vaultfu/templates").mkdir(parents=True)
    (root / ".vaultfu/templates/connect.md").symlink_to(outside)
    with pytest.raises(OSError, match="outside the vault"):
        vault.read_template(root, "connect")
    (root / ".vaultfu/templates/connect.md").unlink()
    (root / ".vaultfu/templates/connect.md").write_text("Hi {{ first_name }}")
    assert vault.read_template(root, "connect") == "Hi {{ first_name }}"
    assert "Subject" in vault.read_template(root, "thank-you-email")


def test_a_temporary_file_is_new_private_and_names_its_writer(tmp_path: Path) -> None:
    """What `tempfile.mkstemp` made, made without it: a new file (never one already there),
    0600, named after the note and the writer's pid (for `sweep`), gone when the write is."""
    import stat

    from vaultfu.vault.write import _new_file, stage

    made = [_new_file(tmp_path, ".n.md.7.") for _ in range(50)]
    for fd, _ in made:
        os.close(fd)
    paths = [Path(path) for _, path in made]
    assert len(set(paths)) == 50
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in paths)
    assert all(p.name.startswith(".n.md.7.") and p.name.endswith(vault.TMP_SUFFIX) for p in paths)
    with stage(tmp_path / "n.md", b"new", 0o644) as tmp:
        assert Path(tmp).name.startswith(f".n.md.{os.getpid()}.")
        assert Path(tmp).read_bytes() == b"new"
        assert stat.S_IMODE(os.stat(tmp).st_mode) == 0o644
    assert not Path(tmp).exists()
