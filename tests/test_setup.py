"""init, new, set, check and ics: through CliRunner on real temporary vaults."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultfu.cli import main

from .conftest import ACME, Vault, git


def test_init_makes_a_vault_and_twice_changes_nothing(runner: CliRunner, vault: Vault) -> None:
    (vault.root / ".obsidian").mkdir()
    vault.write(".obsidian/types.json", '{"types": {"date": "date", "mine": "text"}}', raw=True)
    first = runner.invoke(main, ["init", str(vault.root)])
    assert first.exit_code == 0, first.output
    assert "made .vaultfu.toml" in first.output and "made Templates/Interview.md" in first.output
    config = vault.read(".vaultfu.toml")
    assert "# lead_days = 1" in config and "# status_check_days = 7" in config
    types = json.loads(vault.read(".obsidian/types.json"))["types"]
    assert types["date"] == "date" and types["mine"] == "text"  # the user's entries kept
    assert types["decision_by"] == "date" and types["final_round"] == "checkbox"
    assert "%% vaultfu:begin %%" in vault.read("Agenda.md")
    before = vault.snapshot()
    second = runner.invoke(main, ["init", str(vault.root)])
    assert second.exit_code == 0 and "nothing to do" in second.output
    assert vault.snapshot() == before
    check = runner.invoke(main, ["check", str(vault.root)])
    assert check.exit_code == 0, check.output  # the template is not read as a note


def test_init_uses_obsidians_templates_folder(runner: CliRunner, vault: Vault) -> None:
    (vault.root / ".obsidian").mkdir()
    vault.write(".obsidian/templates.json", '{"folder": "Meta/Templates"}', raw=True)
    runner.invoke(main, ["init", str(vault.root)])
    assert "type: interview" in vault.read("Meta/Templates/Interview.md")


def test_init_outside_obsidian_writes_no_obsidian_settings(runner: CliRunner, vault: Vault) -> None:
    runner.invoke(main, ["init", str(vault.root)])
    assert not (vault.root / ".obsidian").exists()


def test_from_init_to_a_first_agenda_with_a_draft(runner: CliRunner, vault: Vault) -> None:
    runner.invoke(main, ["init", str(vault.root)])
    made = runner.invoke(
        main,
        [
            "new",
            "--vault",
            str(vault.root),
            "--company",
            "Acme Corp",
            "--role",
            "Engineer",
            "--date",
            "2026-11-24T10:00",
            "--interviewer",
            "Jane Doe <jane@acme.com>",
            "--today",
            "2026-11-24",
        ],
    )
    assert made.exit_code == 0, made.output
    rel = made.output.strip()
    assert rel == "Interviews/2026-11-24 Acme Corp - Engineer.md"
    agenda = runner.invoke(main, ["agenda", str(vault.root), "--today", "2026-11-24"])
    assert agenda.exit_code == 0
    note = vault.read(rel)
    assert "## Draft — thank-you email to Jane Doe (24 Nov)" in note and "Hi Jane," in note


def test_new_refuses_to_overwrite(runner: CliRunner, vault: Vault) -> None:
    args = [
        "new",
        "--vault",
        str(vault.root),
        "--company",
        "Acme: Corp",
        "--role",
        "A/B",
        "--date",
        "2026-11-30",
        "--today",
        "2026-11-24",
    ]
    first = runner.invoke(main, args)
    assert (
        first.exit_code == 0 and first.output.strip() == "Interviews/2026-11-30 Acme Corp - A B.md"
    )
    text = vault.read(first.output.strip())
    assert 'company: "Acme: Corp"' in text and "status: scheduled" in text
    again = runner.invoke(main, args)
    assert again.exit_code == 2 and "does not overwrite" in again.stderr
    assert vault.read(first.output.strip()) == text


def test_set_changes_that_one_line_only(runner: CliRunner, vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME + "\n## Notes\nstatus: waiting in the body stays\n")
    before = vault.read("Interviews/acme.md")
    note = str(vault.root / "Interviews/acme.md")
    result = runner.invoke(
        main, ["set", note, "status", "rejected", "--vault", str(vault.root), "--on", "2026-11-25"]
    )
    assert result.exit_code == 0, result.output
    after = vault.read("Interviews/acme.md")
    diff = [d for d in difflib.ndiff(before.splitlines(), after.splitlines()) if d[:1] in "+-"]
    assert diff == ["- status: waiting", "+ status: rejected", "+ status_date: 2026-11-25"]
    assert "status: waiting in the body stays" in after


def test_set_finds_the_keys_line_as_markdown_counts_lines(runner: CliRunner, vault: Vault) -> None:
    """A value pasted with a U+2028 in it (YAML folds it; `str.splitlines` would break the line
    there, and take what follows it for a `status:` line of its own)."""
    pasted = 'type: interview\nwhere: "met at\u2028status: lobby"\n'
    vault.write("Interviews/acme.md", ACME.replace("type: interview\n", pasted))
    before = vault.read("Interviews/acme.md")
    note = str(vault.root / "Interviews/acme.md")
    result = runner.invoke(main, ["set", note, "status", "offer", "--vault", str(vault.root)])
    assert result.exit_code == 0, result.output
    assert vault.read("Interviews/acme.md") == before.replace("status: waiting", "status: offer")


@pytest.mark.parametrize(
    ("key", "typed", "line"),
    [
        ("company", "a # b", 'company: "a # b"'),  # unquoted, `# b` is a comment: `a`
        ("company", "Acme: Corp", 'company: "Acme: Corp"'),
        ("company", "#1 team", 'company: "#1 team"'),
        ("company", "yes", 'company: "yes"'),  # text, as Obsidian reads it (PyYAML: true)
        ("company", "[[Acme Corp]]", 'company: "[[Acme Corp]]"'),  # a link, not [["Acme Corp"]]
        ("company", "O'Reilly", "company: O'Reilly"),
        ("company", "'Acme'", "company: 'Acme'"),  # quoted by the user: as written
        ("round", "01", 'round: "01"'),
        ("priority", "2", "priority: 2"),
        ("final_round", "true", "final_round: true"),
        ("decision_by", "2026-11-30", "decision_by: 2026-11-30"),
        ("date", "2026-11-20T16:30", "date: 2026-11-20T16:30"),
        ("topics", "[roadmap, hiring]", "topics: [roadmap, hiring]"),
    ],
)
def test_set_writes_what_was_typed(
    runner: CliRunner, vault: Vault, key: str, typed: str, line: str
) -> None:
    """`vaultfu set` writes the value YAML reads back as what was typed: quoted when, as typed,
    it would read as something else (or not at all)."""
    vault.write("Interviews/acme.md", ACME)
    note = str(vault.root / "Interviews/acme.md")
    result = runner.invoke(main, ["set", note, key, typed, "--vault", str(vault.root)])
    assert result.exit_code == 0, result.output
    assert line in vault.read("Interviews/acme.md").split("\n")


def test_set_refuses_a_wrong_value_and_a_list(runner: CliRunner, vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    before = vault.read("Interviews/acme.md")
    note = str(vault.root / "Interviews/acme.md")
    bad = runner.invoke(main, ["set", note, "status", "ghosted", "--vault", str(vault.root)])
    assert bad.exit_code == 2 and "status 'ghosted'" in bad.stderr
    listed = runner.invoke(main, ["set", note, "interviewers", "x", "--vault", str(vault.root)])
    assert listed.exit_code == 2 and "several lines" in listed.stderr
    assert vault.read("Interviews/acme.md") == before


def test_set_fixes_a_value_that_does_not_read(runner: CliRunner, vault: Vault) -> None:
    """`vaultfu set` is a way to fix a mistyped status (before, it refused the note because the
    note did not read, the very thing being fixed); a value still wrong is refused as ever."""
    vault.write("Interviews/acme.md", ACME.replace("status: waiting", "status: wating"))
    note, where = str(vault.root / "Interviews/acme.md"), ["--vault", str(vault.root)]
    still = runner.invoke(main, ["set", note, "role", "SRE", *where])
    assert still.exit_code == 2 and "status 'wating'" in still.stderr
    fixed = runner.invoke(main, ["set", note, "status", "waiting", *where])
    assert fixed.exit_code == 0, fixed.output
    assert vault.read("Interviews/acme.md") == ACME
    daily = "---\ntags: [daily]\n---\nAn interview today.\n"
    vault.write("Daily/today.md", daily, raw=True)
    other = runner.invoke(main, ["set", str(vault.root / "Daily/today.md"), "status", "x", *where])
    assert other.exit_code == 2 and "is not an interview note" in other.stderr
    assert vault.read("Daily/today.md") == daily


def test_check_lists_problems_and_exits_1(runner: CliRunner, vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    assert runner.invoke(main, ["check", str(vault.root)]).exit_code == 0
    vault.write("Interviews/bad.md", ACME.replace("status: waiting", "status: ghosted"))
    result = runner.invoke(main, ["check", str(vault.root)])
    assert result.exit_code == 1
    assert "Interviews/bad.md:8: status 'ghosted' is not one of" in result.output
    data = json.loads(runner.invoke(main, ["check", str(vault.root), "--json"]).output)
    assert data["problems"][0]["line"] == 8


def test_ics_parses_back_with_stable_uids(runner: CliRunner, vault: Vault, tmp_path: Path) -> None:
    from icalendar import Calendar

    vault.write("Interviews/acme.md", ACME.replace("2026-11-20T14:00", "2026-11-24T14:00"))
    out = tmp_path / "followups.ics"
    result = runner.invoke(main, ["ics", str(vault.root), "-o", str(out), "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    cal = Calendar.from_ical(out.read_bytes())
    events = list(cal.walk("VEVENT"))
    uids = sorted(str(e["UID"]) for e in events)
    interview = next(e for e in events if str(e["UID"]).startswith("interview-"))
    start = interview.decoded("DTSTART")
    assert start.replace(tzinfo=None) == dt.datetime(2026, 11, 24, 14, 0)
    assert start.tzinfo is not None  # never floating
    thanks = next(e for e in events if "Email a thank-you" in str(e["SUMMARY"]))
    assert thanks.decoded("DTSTART") == dt.date(2026, 11, 24)
    again = runner.invoke(main, ["ics", str(vault.root), "--today", "2026-11-25"])
    uids_again = sorted(str(e["UID"]) for e in Calendar.from_ical(again.output).walk("VEVENT"))
    assert uids == uids_again  # re-importing updates the same events


def test_ics_carries_the_vaults_time_zone_and_reminders(
    runner: CliRunner, vault: Vault, tmp_path: Path
) -> None:
    from zoneinfo import ZoneInfo

    from icalendar import Calendar

    vault.write(".vaultfu.toml", 'timezone = "America/New_York"\nremind_at = "08:30"\n')
    vault.write("Interviews/acme.md", ACME.replace("2026-11-20T14:00", "2026-11-24T14:00"))
    result = runner.invoke(main, ["ics", str(vault.root), "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert "DTSTART;TZID=America/New_York:20261124T140000" in result.output.replace("\r", "")
    cal = Calendar.from_ical(result.output)
    zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
    assert zones == ["America/New_York"]
    events = list(cal.walk("VEVENT"))
    interview = next(e for e in events if str(e["UID"]).startswith("interview-"))
    start = interview.decoded("DTSTART")
    assert start == dt.datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("America/New_York"))
    assert start.astimezone(dt.UTC).hour == 19  # the same moment from anywhere
    thanks = next(e for e in events if "Email a thank-you" in str(e["SUMMARY"]))
    alarms = thanks.walk("VALARM")
    assert len(alarms) == 1 and str(alarms[0]["ACTION"]) == "DISPLAY"
    assert alarms[0].decoded("TRIGGER") == dt.timedelta(hours=8, minutes=30)
    assert not interview.walk("VALARM")
    vault.write(".vaultfu.toml", 'timezone = "America/New_York"\nremind_at = ""\n')
    quiet = runner.invoke(main, ["ics", str(vault.root), "--today", "2026-11-24"])
    assert "BEGIN:VALARM" not in quiet.output
    vault.write(".vaultfu.toml", 'timezone = "Mars/Olympus"\n')
    bad = runner.invoke(main, ["ics", str(vault.root)])
    assert bad.exit_code != 0 and "'timezone' 'Mars/Olympus' is not a time zone" in bad.output


def test_commit_commits_vaultfus_writes_and_nothing_of_the_users(
    runner: CliRunner, vault: Vault, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GIT_AUTHOR_NAME", "T")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "t@t")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "T")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "t@t")
    vault.write("Interviews/acme.md", ACME)
    vault.write("Interviews/globex.md", ACME.replace("Acme Corp", "Globex"))
    vault.write("Ideas.md", "# ideas\n")
    git(vault.root, "init", "-q")
    git(vault.root, "add", "-A")
    git(vault.root, "commit", "-qm", "mine")
    # the user is in the middle of things: an edit to globex, a staged new note
    vault.write(
        "Interviews/globex.md", vault.read("Interviews/globex.md") + "typing...\n", raw=True
    )
    vault.write("Staged.md", "# staged, not vaultfu's\n")
    git(vault.root, "add", "Staged.md")
    result = runner.invoke(main, ["agenda", str(vault.root), "--today", "2026-11-24", "--commit"])
    assert result.exit_code == 0, result.output
    files = git(vault.root, "show", "--name-only", "--format=%s", "HEAD").stdout.splitlines()
    message, changed = files[0], sorted(f for f in files[1:] if f)
    assert changed == ["Agenda.md", "Interviews/acme.md"]  # not globex, not Staged.md
    assert message.startswith("vaultfu: agenda for 2026-11-24; 4 drafts (Acme Corp, Globex)")
    assert "not committed, holding your own changes: Interviews/globex.md" in message
    status = git(vault.root, "status", "--porcelain").stdout
    assert "A  Staged.md" in status and " M Interviews/globex.md" in status
    assert "- [ ] Email a thank-you" in vault.read("Interviews/globex.md")  # written all the same
    again = runner.invoke(main, ["agenda", str(vault.root), "--today", "2026-11-24", "--commit"])
    assert again.exit_code == 0
    assert (
        git(vault.root, "rev-list", "--count", "HEAD").stdout.strip() == "2"
    )  # nothing new to commit


def test_stats_and_the_pipeline_chart(runner: CliRunner, sample: Vault) -> None:
    result = runner.invoke(main, ["stats", str(sample.root), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["applications"] == {"scheduled": 1, "waiting": 5, "offer": 1, "rejected": 1}
    assert sum(data["interviews_per_week"].values()) == 9  # the broken note is not counted
    assert data["response_days"] == {"Globex": 15, "Stark Industries": 11}
    assert (data["follow_ups_done"], data["follow_ups_done_on_time"]) == (9, 6)
    plain = runner.invoke(main, ["stats", str(sample.root)])
    assert "Follow-ups done on time: 6 of 9 (67 %)" in plain.output
    runner.invoke(main, ["agenda", str(sample.root)])
    agenda = sample.read("Agenda.md")
    assert (
        '## Pipeline\n```mermaid\npie title Applications by status\n    "scheduled" : 1' in agenda
    )


def test_task_lines_read_back_as_the_tasks_plugin_reads_them(vault: Vault) -> None:
    """Dates, id, done and cancelled: the fields stand at the end of the line, where the
    Obsidian Tasks plugin reads them; the markers are %% comments, hidden in reading view."""
    from vaultfu.body import parse_task_text
    from vaultfu.engine import run
    from vaultfu.model import TaskStatus

    vault.write("Interviews/acme.md", ACME.replace("2026-11-20T14:00", "2026-11-12T14:00"))
    run(vault.root, today=dt.date(2026, 11, 24), clock=dt.date(2026, 11, 24), write=True)
    lines = [x for x in vault.read("Interviews/acme.md").splitlines() if "🆔 vf-" in x]
    tasks = [parse_task_text(x[2:], 1, "n.md")[0] for x in lines]
    assert all(t is not None and t.id and t.due and t.status is TaskStatus.OPEN for t in tasks)
    assert all(
        x.endswith(f"📅 {t.due.isoformat()} 🆔 {t.id}") for x, t in zip(lines, tasks, strict=True)
    )  # type: ignore[union-attr]
    note = vault.read("Interviews/acme.md")
    vault.write("Interviews/acme.md", note.replace("status: waiting", "status: rejected"), raw=True)
    run(vault.root, today=dt.date(2026, 11, 25), clock=dt.date(2026, 11, 25), write=True)
    cancelled = [x for x in vault.read("Interviews/acme.md").splitlines() if x.startswith("- [-]")]
    task = parse_task_text(cancelled[0][2:], 1, "n.md")[0]
    assert task is not None and task.cancelled == dt.date(2026, 11, 25) and task.id
    agenda = vault.read("Agenda.md")
    assert agenda.count("%% vaultfu:begin %%") == 1 and agenda.count("%% vaultfu:end %%") == 1


def test_ics_takes_the_systems_time_zone_by_default(
    runner: CliRunner, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tzlocal

    monkeypatch.setenv("TZ", "Asia/Tokyo")  # what tzlocal reads first
    tzlocal.reload_localzone()  # as a new process would (tzlocal keeps what it found)
    vault.write("Interviews/acme.md", ACME.replace("2026-11-20T14:00", "2026-11-24T14:00"))
    result = runner.invoke(main, ["ics", str(vault.root), "--today", "2026-11-24"])
    assert "DTSTART;TZID=Asia/Tokyo:20261124T140000" in result.output.replace("\r", "")
    monkeypatch.undo()
    tzlocal.reload_localzone()


BASES_KEYS = {"filters", "formulas", "properties", "views"}  # obsidian-help, en/Bases
VIEW_KEYS = {"type", "name", "limit", "groupBy", "filters", "order"}
FUNCTIONS = {"if", "today", "date", "round"}  # each documented in en/Bases/Functions.md


def test_init_writes_a_base_of_the_applications_once(runner: CliRunner, vault: Vault) -> None:
    import re

    import yaml

    first = runner.invoke(main, ["init", str(vault.root)])
    assert first.exit_code == 0 and "made Applications.base" in first.output
    text = vault.read("Applications.base")
    base = yaml.safe_load(text)
    assert set(base) <= BASES_KEYS
    assert base["filters"] == {"and": ['type == "interview"']}
    assert {v["type"] for v in base["views"]} == {"table", "cards"}
    for view in base["views"]:
        assert set(view) <= VIEW_KEYS
        assert view["groupBy"] == {"property": "note.status", "direction": "ASC"}
        for name in view["order"]:
            prefix, _, rest = name.partition(".")
            assert prefix in ("file", "note", "formula")
            assert prefix != "formula" or rest in base["formulas"]
    called = set()
    for formula in base["formulas"].values():
        called |= set(re.findall(r"(?<![\w.])(\w+)\(", formula)) | set(
            re.findall(r"\.(\w+)\(", formula)
        )
        assert formula.count("(") == formula.count(")")
    assert called <= FUNCTIONS, called
    vault.write("Applications.base", text + "# mine\n", raw=True)
    again = runner.invoke(main, ["init", str(vault.root)])
    assert "made Applications.base" not in again.output
    assert vault.read("Applications.base").endswith("# mine\n")  # never written again


def test_the_settings_init_writes_parse_with_every_line_uncommented() -> None:
    import re

    from vaultfu.config import Config, parse_config
    from vaultfu.scaffold import config_text

    text = re.sub(r"(?m)^# (\w+ = )", r"\1", config_text())
    config = parse_config(text)
    assert config.mail == Config().mail and config.remind_at == "09:00"
    assert "\n[mail]" in text and "\n# mail =" not in config_text()
