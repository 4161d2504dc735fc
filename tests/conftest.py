"""Shared helpers: real vaults in temporary folders, and notes built from text."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from vaultfu.config import Config, parse_config
from vaultfu.model import Interview, Plan
from vaultfu.notes import parse_one
from vaultfu.playbook import plan

# CI explores the same examples on every run (a red CI blocks a landing, so it must not depend
# on the draw); a developer's runs explore new ones each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample-vault"
TODAY = dt.date(2026, 11, 24)  # a Tuesday


def note(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n")


def interview(text: str, path: str = "Interviews/n.md") -> Interview:
    found = parse_one(path, note(text).encode("utf-8"), Config())
    assert found is not None, "not an interview note"
    return found[0]


def planned(*texts: str, today: dt.date = TODAY, config: str = "") -> Plan:
    notes = [interview(t, f"Interviews/n{i}.md") for i, t in enumerate(texts)]
    return plan(notes, today=today, rules=parse_config(config).playbook)


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """git in a test vault, as a user named T."""
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@t", *args],
        cwd=root,
        check=check,
        capture_output=True,
        text=True,
    )


class Vault:
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, text: str, *, raw: bool = False) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((text if raw else note(text)).encode("utf-8"))
        return path

    def read(self, rel: str) -> str:
        return (self.root / rel).read_bytes().decode("utf-8")

    def snapshot(self) -> dict[str, bytes]:
        return {
            str(p.relative_to(self.root)): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file()
        }


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own, empty XDG cache folder, outside its vault."""
    cache = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    root = tmp_path / "vault"
    root.mkdir()
    return Vault(root)


@pytest.fixture
def sample(tmp_path: Path) -> Vault:
    root = tmp_path / "sample-vault"
    shutil.copytree(SAMPLE, root)
    return Vault(root)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


ACME = """\
---
type: interview
company: Acme Corp
role: Senior Backend Engineer
date: 2026-11-20T14:00
interviewers:
  - Jane Doe <jane@acme.com>
status: waiting
---
Notes.
"""
