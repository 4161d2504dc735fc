"""The windows an adversary found (issue 12), each on real files: commits in the middle of a
merge, hooks, tracebacks from odd task lines and odd agenda files, hangs and memory from
templates and special files, leftovers and unlinkable names."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultfu.cli import main

from .conftest import ACME, Vault, git

DAY = ["--today", "2026-11-24"]


@pytest.fixture
def repo(vault: Vault, monkeypatch: pytest.MonkeyPatch) -> Vault:
    for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(key, "T")
    for key in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(key, "t@t")
    vault.write("Interviews/acme.md", ACME)
    git(vault.root, "init", "-q", "-b", "main")
    git(vault.root, "add", "-A")
    git(vault.root, "commit", "-qm", "mine")
    return vault


def conflicted_merge(root: Path) -> None:
    """The user's merge, stopped on a conflict in a note of their own."""
    (root / "Ideas.md").write_text("main's idea\n")
    git(root, "add", "Ideas.md")
    git(root, "commit", "-qm", "main")
    git(root, "checkout", "-q", "-b", "other", "HEAD~1")
    (root / "Ideas.md").write_text("other's idea\n")
    git(root, "add", "Ideas.md")
    git(root, "commit", "-qm", "other")
    git(root, "checkout", "-q", "main")
    assert git(root, "merge", "other", check=False).returncode != 0


def test_commit_during_a_conflicted_merge_commits_nothing_and_says_so(repo: Vault) -> None:
    conflicted_merge(repo.root)
    head = git(repo.root, "rev-parse", "HEAD").stdout
    staged = git(repo.root, "diff", "--cached", "--name-only").stdout
    result = CliRunner().invoke(main, ["agenda", str(repo.root), *DAY, "--commit"])
    assert result.exit_code == 0, result.output
    assert "committed" not in result.output.replace("not committed", "")
    assert "not committed: a merge is in progress" in result.output
    assert git(repo.root, "rev-parse", "HEAD").stdout == head
    assert git(repo.root, "diff", "--cached", "--name-only").stdout == staged  # index untouched
    assert "- [ ] Email a thank-you" in repo.read("Interviews/acme.md")  # written all the same


def test_commit_during_a_stopped_rebase_commits_nothing(repo: Vault) -> None:
    conflicted_merge(repo.root)
    git(repo.root, "merge", "--abort")
    git(repo.root, "checkout", "-q", "other")
    assert git(repo.root, "rebase", "main", check=False).returncode != 0
    head = git(repo.root, "rev-parse", "HEAD").stdout
    result = CliRunner().invoke(main, ["agenda", str(repo.root), *DAY, "--commit"])
    assert "not committed: a rebase" in result.output
    assert git(repo.root, "rev-parse", "HEAD").stdout == head


def test_the_users_hooks_do_not_run_unless_the_settings_say_so(repo: Vault) -> None:
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\necho ran >> '{repo.root}/../hook-ran'\nexit 1\n")
    hook.chmod(0o755)
    ran = repo.root.parent / "hook-ran"
    result = CliRunner().invoke(main, ["agenda", str(repo.root), *DAY, "--commit"])
    assert "committed 2 file(s)" in result.output and not ran.exists()
    (repo.root / ".vaultfu.toml").write_text("git_hooks = true\n")
    git(repo.root, "add", ".vaultfu.toml")
    git(repo.root, "commit", "-qm", "settings", "--no-verify")
    result = CliRunner().invoke(
        main, ["agenda", str(repo.root), "--today", "2026-11-25", "--commit"]
    )
    assert ran.exists()  # the hook ran, and refused the commit
    assert "not committed" in result.output
    assert "committed 2 file(s)" not in result.output


def test_nested_ticked_lines_are_carried_and_no_traceback(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    runner = CliRunner()
    runner.invoke(main, ["agenda", str(vault.root), *DAY])
    text = vault.read("Interviews/acme.md")
    line = next(x for x in text.splitlines() if "🆔 vf-" in x)
    ident = line.rsplit("🆔 ", 1)[1]
    nested = text.replace(line, "1. " + line.replace("- [ ]", "- [x]", 1), 1)
    vault.write("Interviews/acme.md", nested, raw=True)
    agenda = vault.read("Agenda.md")
    agenda_line = next(x for x in agenda.splitlines() if ident in x)
    vault.write("Agenda.md", agenda.replace(agenda_line, "- > " + agenda_line), raw=True)
    result = runner.invoke(main, ["agenda", str(vault.root), "--today", "2026-11-25"])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert result.exception is None
    assert f"🆔 {ident} ✅ 2026-11-25" in vault.read("Interviews/acme.md")


def test_an_agenda_that_is_a_folder_is_a_problem_not_a_traceback(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    (vault.root / "Agenda.md").mkdir()
    result = CliRunner().invoke(main, ["agenda", str(vault.root), *DAY])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Agenda.md" in result.output and "not a file" in result.output
    assert "- [ ] Email a thank-you" in vault.read("Interviews/acme.md")


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_a_special_agenda_file_is_refused_without_reading_it(vault: Vault, kind: str) -> None:
    vault.write("Interviews/acme.md", ACME)
    agenda = vault.root / "Agenda.md"
    if kind == "fifo":
        os.mkfifo(agenda)
    else:
        agenda.symlink_to("/dev/zero")
    done = subprocess.run(
        ["vaultfu", "agenda", str(vault.root), *DAY],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": os.path.dirname(sys.executable) + ":" + os.environ["PATH"]},
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert "Agenda.md" in done.stdout and "not a file" in done.stdout, done.stdout


def test_a_huge_note_is_not_read_whole(vault: Vault) -> None:
    from vaultfu import vault as disk
    from vaultfu.config import Config
    from vaultfu.reading import MAX_NOTE_BYTES, read_entry

    big = vault.root / "big.md"
    with open(big, "wb") as handle:
        handle.write(b"---\ntype: interview\n---\n")
        handle.truncate(MAX_NOTE_BYTES * 50)  # 200 MB, sparse
    entry = read_entry(vault.root, Config(), "big.md")
    assert entry.problems and "too large" in entry.problems[0].message
    snap = disk.read(vault.root, "big.md", limit=1000)
    assert snap.data is not None and len(snap.data) <= 1001


def test_a_temp_file_whose_writer_is_gone_is_removed_at_once(vault: Vault) -> None:
    from vaultfu import vault as disk

    vault.write("Interviews/acme.md", ACME)
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process that is gone
    pid = gone.pid
    left = vault.root / "Interviews" / f".acme.md.{pid}.abc123{disk.TMP_SUFFIX}"
    left.write_text("half a write")
    alive = vault.root / "Interviews" / f".acme.md.{os.getppid()}.def456{disk.TMP_SUFFIX}"
    alive.write_text("a write under way")
    CliRunner().invoke(main, ["agenda", str(vault.root), *DAY])
    assert not left.exists()  # its writer is gone: removed, however young
    assert alive.exists()  # its writer is alive: kept


def test_a_file_name_with_a_line_break_is_listed_and_left_alone(vault: Vault) -> None:
    name = "Interviews/two\nlines.md"
    vault.write(name, ACME)
    before = (vault.root / name).read_bytes()
    result = CliRunner().invoke(main, ["agenda", str(vault.root), *DAY])
    assert result.exit_code == 0, result.output
    agenda = vault.read("Agenda.md")
    assert "two\\nlines.md" in agenda and "two\nlines" not in agenda
    assert "line break" in agenda
    assert (vault.root / name).read_bytes() == before


@pytest.mark.parametrize(
    "template",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{{ 'a' * 3000000000 }}",
        "{{ '%3000000000d' % 1 }}",
        "{{ '{:>3000000000}'.format(1) }}",
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
        "{{ lipsum(100000000) }}",
        "{% for i in range(99999) %}{{ 'x' * 99999 }}{% endfor %}",
    ],
)
def test_a_hostile_template_is_stopped_quickly(vault: Vault, template: str) -> None:
    import time

    vault.write("Interviews/acme.md", ACME)
    vault.write(".vaultfu/templates/thank-you-email.md", template, raw=True)
    start = time.monotonic()
    result = CliRunner().invoke(main, ["agenda", str(vault.root), *DAY])
    assert time.monotonic() - start < 20
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "template cannot be used" in result.output


def test_limits_leave_ordinary_templates_alone() -> None:
    from vaultfu.drafts import render

    text = render("{% for i in range(3) %}{{ i }}{% endfor %} {{ 'ab' * 3 }} {{ 10 ** 3 }}", {})
    assert text == "012 ababab 1000"
    assert dt.date(2026, 1, 1)  # (dates in templates come from the context, not from here)


def test_a_tick_made_while_vaultfu_plans_is_carried_not_wiped(vault: Vault) -> None:
    from vaultfu.engine import commit, prepare

    vault.write("Interviews/acme.md", ACME)
    CliRunner().invoke(main, ["agenda", str(vault.root), *DAY])
    day = dt.date(2026, 11, 25)
    prepared = prepare(vault.root, today=day, clock=day)
    agenda = vault.read("Agenda.md")
    line = next(x for x in agenda.splitlines() if "Email a thank-you" in x)
    ident = line.rsplit("🆔 ", 1)[1]
    ticked = line.replace("- [ ]", "- [x]", 1) + " ✅ 2026-11-25"
    vault.write("Agenda.md", agenda.replace(line, ticked), raw=True)  # the user, meanwhile
    result = commit(prepared)
    assert f"🆔 {ident} ✅ 2026-11-25" in vault.read("Interviews/acme.md")
    assert ident not in vault.read("Agenda.md")  # done: no longer listed, and not reopened
    assert "Agenda.md" in result.written


def test_a_tick_its_note_cannot_take_stays_ticked_in_the_agenda(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    runner = CliRunner()
    runner.invoke(main, ["agenda", str(vault.root), *DAY])
    note = vault.read("Interviews/acme.md")
    broken = note.replace("## Follow-ups", "<!-- a comment I never closed\n\n## Follow-ups", 1)
    vault.write("Interviews/acme.md", broken, raw=True)
    agenda = vault.read("Agenda.md")
    line = next(x for x in agenda.splitlines() if "Email a thank-you" in x)
    ident = line.rsplit("🆔 ", 1)[1]
    vault.write(
        "Agenda.md",
        agenda.replace(line, line.replace("- [ ]", "- [x]", 1) + " ✅ 2026-11-24"),
        raw=True,
    )
    for day in ("2026-11-25", "2026-11-26"):  # held, run after run, never lost
        out = runner.invoke(main, ["agenda", str(vault.root), "--today", day]).output
        region = vault.read("Agenda.md")
        held = [x for x in region.splitlines() if ident in x]
        assert len(held) == 1 and held[0].startswith("- [x] ") and "✅ 2026-11-24" in held[0]
        assert "Ticked, not yet in its note" in region and "acme.md" in out
        assert vault.read("Interviews/acme.md") == broken
    vault.write("Interviews/acme.md", note, raw=True)  # the user closes the comment
    runner.invoke(main, ["agenda", str(vault.root), "--today", "2026-11-27"])
    assert f"🆔 {ident} ✅ 2026-11-24" in vault.read("Interviews/acme.md")
    assert ident not in vault.read("Agenda.md")
