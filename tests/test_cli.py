"""The command line, through click's CliRunner and a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from vaultfu.cli import main

from .conftest import ACME, ROOT, Vault


def test_every_command_has_help(runner: CliRunner) -> None:
    assert isinstance(main, click.Group)
    for name, command in main.commands.items():
        assert command.help, f"{name} has no help text"
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_agenda_path_argument(runner: CliRunner, vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    result = runner.invoke(main, ["agenda", str(vault.root), "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert "Overdue" in result.output and "4 d. late" in result.output
    assert "Agenda.md updated" in result.output
    assert (vault.root / "Agenda.md").exists()


def test_agenda_vault_option(runner: CliRunner, vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    result = runner.invoke(main, ["agenda", "--vault", str(vault.root), "--today", "2026-11-24"])
    assert result.exit_code == 0 and "Email a thank-you" in result.output


def test_the_vault_is_found_as_git_finds_git(
    runner: CliRunner, vault: Vault, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    vault.write("Interviews/acme.md", ACME)
    (vault.root / ".obsidian").mkdir()
    monkeypatch.delenv("VAULTFU_VAULT", raising=False)
    monkeypatch.chdir(vault.root / "Interviews")  # a folder inside the vault
    result = runner.invoke(main, ["agenda", "--today", "2026-11-24"])
    assert result.exit_code == 0 and "Email a thank-you" in result.output
    assert (vault.root / "Agenda.md").exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(main, ["agenda", "--today", "2026-11-24"])
    assert result.exit_code == 2 and "no vault here" in result.stderr
    monkeypatch.setenv("VAULTFU_VAULT", str(vault.root))  # the environment comes before that
    result = runner.invoke(main, ["agenda", "--today", "2026-11-24"])
    assert result.exit_code == 0 and "Email a thank-you" in result.output


def test_no_write(runner: CliRunner, vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    result = runner.invoke(main, ["agenda", str(vault.root), "--no-write", "--today", "2026-11-24"])
    assert result.exit_code == 0
    assert "Email a thank-you" in result.output and "nothing written" in result.output
    assert not (vault.root / "Agenda.md").exists()


def test_json_shape(runner: CliRunner, vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    vault.write("Interviews/bad.md", ACME.replace("2026-11-20T14:00", "2026-13-40"))
    result = runner.invoke(main, ["agenda", str(vault.root), "--json", "--today", "2026-11-24"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"today", "actions", "waiting", "replies", "problems"}
    assert data["today"] == "2026-11-24"
    action = data["actions"][0]
    for key in ("id", "kind", "note", "application", "person", "channel", "due", "state", "text"):
        assert key in action
    assert action["note"] == "Interviews/acme.md"
    assert action["state"] in {"overdue", "today", "upcoming"}
    assert data["problems"] == [
        {
            "path": "Interviews/bad.md",
            "line": 5,
            "message": "'date' is not a date: '2026-13-40' (write YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
        }
    ]
    assert (vault.root / "Agenda.md").exists()  # --json still writes the agenda


def test_today_is_validated(runner: CliRunner, vault: Vault) -> None:
    result = runner.invoke(main, ["agenda", str(vault.root), "--today", "tomorrow"])
    assert result.exit_code == 2 and "not a date" in result.output


def test_missing_vault_is_one_line_and_exit_2(runner: CliRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["agenda", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no such folder" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ("colour = 'blue'\n", "unknown key 'colour'"),
        ("[playbook]\nstatus_check_dayz = 3\n", "unknown key 'playbook.status_check_dayz'"),
        ("lead_days = 'one'\n", "'lead_days' must be a whole number"),
        ("write_notes = 1\n", "'write_notes' must be true or false"),
        ("agenda = '../outside.md'\n", "inside the vault"),
        ("agenda = '/tmp/x.md'\n", "inside the vault"),
        ("today = 'someday'\n", "'today' must be a date"),
        ("this is = not toml\n", ".vaultfu.toml: "),
    ],
)
def test_bad_config_is_one_line_and_exit_2(
    runner: CliRunner, vault: Vault, toml: str, words: str
) -> None:
    vault.write(".vaultfu.toml", toml, raw=True)
    result = runner.invoke(main, ["agenda", str(vault.root)])
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_config_overrides_numbers_and_agenda_name(runner: CliRunner, vault: Vault) -> None:
    vault.write(
        ".vaultfu.toml",
        "agenda = 'Job/Follow-ups.md'\n[playbook]\nstatus_check_days = 10\n",
        raw=True,
    )
    vault.write("Interviews/acme.md", ACME.replace("2026-11-20T14:00", "2026-11-10T14:00"))
    result = runner.invoke(main, ["agenda", str(vault.root), "--today", "2026-11-24", "--json"])
    data = json.loads(result.stdout)
    checks = [a["due"] for a in data["actions"] if a["kind"] == "status-check"]
    assert checks == ["2026-11-20"]
    assert (vault.root / "Job/Follow-ups.md").exists()


def agenda_output(vault: Vault, env: dict[str, str]) -> str:
    """The terminal output of `python -m vaultfu agenda`, run as a real process (piped)."""
    return subprocess.run(
        [sys.executable, "-m", "vaultfu", "agenda", str(vault.root), "--today", "2026-11-24"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout


def test_plain_when_piped_and_no_color(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    piped = agenda_output(vault, {k: v for k, v in env.items() if k != "NO_COLOR"})
    assert "\x1b[" not in piped and "Email a thank-you" in piped
    assert "\x1b[" not in agenda_output(vault, {**env, "NO_COLOR": "1"})


def test_colour_on_a_terminal(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["FORCE_COLOR"] = "1"  # rich's stand-in for a terminal
    assert "\x1b[" in agenda_output(vault, env)
    # NO_COLOR wins even then
    assert "\x1b[" not in agenda_output(vault, {**env, "NO_COLOR": "1"})


def test_python_dash_m_and_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "vaultfu", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert out.startswith("vaultfu, version ")


def test_set_check_and_stats_take_today(runner: CliRunner, vault: Vault) -> None:
    """`--today` is the day of every command: a status set with it is dated that day; `check`
    and `stats` plan on it."""
    vault.write("Interviews/acme.md", ACME)
    where = ["--vault", str(vault.root)]
    note = str(vault.root / "Interviews/acme.md")
    result = runner.invoke(main, ["set", note, "status", "offer", *where, "--today", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert "status_date: 2026-11-30" in vault.read("Interviews/acme.md")
    for command in ("check", "stats"):
        early = runner.invoke(main, [command, str(vault.root), "--json", "--today", "2026-11-01"])
        assert early.exit_code in (0, 1), early.output
        json.loads(early.stdout)


def test_your_own_tasks_show_whose_they_are(runner: CliRunner, vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME + "\n- [ ] Send the writing sample 📅 2026-11-25\n")
    result = runner.invoke(main, ["agenda", str(vault.root), "--no-write", "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "writing sample" in x)
    assert line.rstrip().endswith("Send the writing sample · Acme Corp")


def test_every_command_is_there(runner: CliRunner) -> None:
    """Each command answers --help (a decorator stack lost to a helper would drop one)."""
    for command in ("agenda", "done", "draft", "watch", "init", "new", "set", "check", "ics",
                    "stats", "send", "mail"):  # fmt: skip
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0, (command, result.output)


TEXT = st.characters(
    blacklist_categories=["Cs"]
)  # text read from UTF-8 notes has no lone surrogate


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(TEXT),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(TEXT), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_piped_json_is_the_json_modules_compact_form(data: object) -> None:
    """`--json` piped to a program is msgspec's encoding: the same bytes as json.dumps'."""
    from vaultfu.cli import echo_json

    runner = CliRunner()

    @click.command()
    def show() -> None:
        echo_json(data)

    expected = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert runner.invoke(show).stdout_bytes == expected.encode("utf-8")
