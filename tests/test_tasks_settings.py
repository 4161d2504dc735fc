"""The Tasks plugin's settings that say what a task is, read from the plugin's own `data.json`.

Its global filter (`globalFilter`, e.g. `#task`): to the plugin, only a checklist line that holds
it is a task. vaultfu writes it on its lines, so that they stay in the user's Tasks queries, and
takes the user's checklist lines without it for what the plugin takes them for: not tasks.

Its status table (`statusSettings`): a box whose symbol the user made a done or cancelled status
(`[d]`, `[c]`), or a non-task, closes a follow-up as the plugin's own status would."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from vaultfu.body import status_table
from vaultfu.engine import run
from vaultfu.errors import ConfigError
from vaultfu.model import RunResult, TaskStatus
from vaultfu.vault import read_config

from .conftest import ACME, TODAY, Vault
from .replay import tasks_of

PLUGIN = ".obsidian/plugins/obsidian-tasks-plugin/data.json"
NOTE = "Interviews/acme.md"


def go(v: Vault, today: dt.date = TODAY) -> RunResult:
    return run(v.root, today=today, clock=dt.date(2000, 1, 1), write=True)


def settle(v: Vault, today: dt.date = TODAY) -> None:
    """A run, then the same again: the second writes nothing."""
    go(v, today)
    before = v.snapshot()
    assert go(v, today).written == ()
    assert v.snapshot() == before


def plugin_settings(v: Vault, **settings: object) -> None:
    """The Tasks plugin's settings as Obsidian saves them."""
    v.write(PLUGIN, json.dumps({"globalQuery": "", **settings}, indent=2), raw=True)


def plugin_filter(v: Vault, value: str, **more: object) -> None:
    """The Tasks plugin's settings as Obsidian saves them (other settings beside the filter)."""
    settings = {"globalQuery": "", "globalFilter": value, "removeGlobalFilter": True, **more}
    v.write(PLUGIN, json.dumps(settings, indent=2), raw=True)


def checklist(text: str) -> list[str]:
    return [line for line in text.split("\n") if re.match(r"- \[.\] ", line)]


def vaultfu_lines(text: str) -> list[str]:
    return [line for line in checklist(text) if "🆔 vf-" in line]


def is_task_to_the_plugin(line: str, tasks_filter: str) -> bool:
    """The plugin's `Task.fromLine`: a checklist line whose body (after the box) holds the
    global filter."""
    return tasks_filter in line[len("- [ ] ") :]


def test_its_lines_carry_the_filter_in_front_and_read_as_tasks(vault: Vault) -> None:
    plugin_filter(vault, "#task")
    vault.write(NOTE, ACME.replace("2026-11-20T14:00", "2026-11-24T10:00"))
    settle(vault)
    text = vault.read(NOTE)
    lines = vaultfu_lines(text)
    assert len(lines) == 2  # the thank-you email and the handwritten note
    for line in lines:
        assert line.startswith("- [ ] #task Email") or line.startswith("- [ ] #task Mail")
        assert is_task_to_the_plugin(line, "#task")
    for task in tasks_of(text):  # still vaultfu's lines, with their 📅 and 🆔, to vaultfu too
        assert task.is_vaultfu and task.due in (TODAY, TODAY + dt.timedelta(days=1))
    region = vault.read("Agenda.md")
    assert "#task" not in region  # the agenda's copies are not tasks to the plugin: no doubles
    assert "Email a thank-you to Jane Doe at Acme Corp" in region


def test_turned_on_later_its_open_lines_take_it_and_closed_ones_stay(vault: Vault) -> None:
    vault.write(NOTE, ACME.replace("2026-11-20T14:00", "2026-11-24T10:00"))
    settle(vault)
    before = vault.read(NOTE)
    first, second = vaultfu_lines(before)
    ticked = first.replace("- [ ] ", "- [x] ", 1) + " ✅ 2026-11-24"
    typed = second.replace(" · letter", " (on the good paper) · letter", 1)  # the user's words
    vault.write(NOTE, before.replace(first, ticked).replace(second, typed), raw=True)
    settle(vault)
    plugin_filter(vault, "#task")
    settle(vault)
    after = vault.read(NOTE)
    assert ticked in after  # closed: not a follow-up to track any more, left as it is
    assert "- [ ] #task " + typed[len("- [ ] ") :] in after  # the user's words, and the filter
    assert after.replace("- [ ] #task ", "- [ ] ", 1) == before.replace(first, ticked).replace(
        second, typed
    )  # nothing else changed


def test_facts_changing_keep_the_filter_where_the_line_has_it(vault: Vault) -> None:
    plugin_filter(vault, "#task")
    vault.write(NOTE, ACME.replace("2026-11-20T14:00", "2026-11-24T10:00"))
    settle(vault)
    text = vault.read(NOTE)
    vault.write(
        NOTE, text.replace("Jane Doe <jane@acme.com>", "Jane Smith <jane@acme.com>"), raw=True
    )
    settle(vault)
    lines = vaultfu_lines(vault.read(NOTE))
    assert lines and all(line.startswith("- [ ] #task ") for line in lines)
    assert all("Jane Smith" in line and line.count("#task") == 1 for line in lines)
    # the filter as a trailing tag of the user's (after the fields) is not written twice
    line = lines[0]
    moved = line.replace("- [ ] #task ", "- [ ] ", 1) + " #task"
    vault.write(NOTE, vault.read(NOTE).replace(line, moved), raw=True)
    settle(vault)
    assert moved in vault.read(NOTE)


def test_the_users_checklist_lines_count_only_with_the_filter(vault: Vault) -> None:
    body = (
        "- [ ] Pack the laptop 📅 2026-11-24\n"  # a checklist item: not a task to the plugin
        "- [ ] #task Send Jane the write-up 📅 2026-11-25\n"
    )
    vault.write(NOTE, ACME.replace("Notes.\n", body))
    settle(vault)
    region = vault.read("Agenda.md")
    assert "Pack the laptop" in region and "Send Jane the write-up" in region  # no filter: both
    plugin_filter(vault, "#task")
    settle(vault)
    region = vault.read("Agenda.md")
    assert "Pack the laptop" not in region
    assert "- [ ] Send Jane the write-up · [[acme]]" in region  # shown without the filter
    assert vault.read(NOTE).startswith(ACME.replace("Notes.\n", body))  # the user's lines stay


def test_the_vaultfu_setting_wins_and_a_bad_one_is_named(vault: Vault) -> None:
    plugin_filter(vault, "#task")
    assert read_config(vault.root).tasks_filter == "#task"
    vault.write(".vaultfu.toml", 'tasks_filter = ""\n', raw=True)  # none, whatever the plugin
    assert read_config(vault.root).tasks_filter == ""
    vault.write(".vaultfu.toml", 'tasks_filter = "#todo"\n', raw=True)
    assert read_config(vault.root).tasks_filter == "#todo"
    vault.write(".vaultfu.toml", 'tasks_filter = "#a\\n#b"\n', raw=True)
    with pytest.raises(ConfigError, match="'tasks_filter' must be one line"):
        read_config(vault.root)
    vault.write(".vaultfu.toml", 'task_statuses = [["d", "DONE"]]\n', raw=True)
    with pytest.raises(ConfigError, match="unknown key 'task_statuses'"):  # the plugin's own
        read_config(vault.root)


@pytest.mark.parametrize(
    "settings",
    [
        "",
        "{",
        "[1, 2]",
        '{"globalFilter": 3}',
        '{"globalFilter": "#a\\n#b"}',
        '{"other": 1}',
        '{"statusSettings": 3}',
        '{"statusSettings": {"coreStatuses": {"x": 1}}}',
        '{"statusSettings": {"customStatuses": [3, {"symbol": "dd", "type": "DONE"}]}}',
        '{"statusSettings": {"customStatuses": [{"symbol": "d"}, {"type": "DONE"}]}}',
    ],
)
def test_plugin_settings_it_cannot_use_mean_its_defaults(vault: Vault, settings: str) -> None:
    vault.write(PLUGIN, settings, raw=True)
    assert read_config(vault.root).tasks_filter == ""
    assert read_config(vault.root).task_statuses == ()
    vault.write(NOTE, ACME.replace("2026-11-20T14:00", "2026-11-24T10:00"))
    settle(vault)
    assert all(
        line.startswith("- [ ] Email") or line.startswith("- [ ] Mail")
        for line in vaultfu_lines(vault.read(NOTE))
    )


CORE = [  # the plugin's core statuses as its settings list them
    {
        "symbol": " ",
        "name": "Todo",
        "nextStatusSymbol": "x",
        "availableAsCommand": True,
        "type": "TODO",
    },
    {
        "symbol": "x",
        "name": "Done",
        "nextStatusSymbol": " ",
        "availableAsCommand": True,
        "type": "DONE",
    },
]
CUSTOM = [
    {
        "symbol": "/",
        "name": "In Progress",
        "nextStatusSymbol": "x",
        "availableAsCommand": True,
        "type": "IN_PROGRESS",
    },
    {
        "symbol": "-",
        "name": "Cancelled",
        "nextStatusSymbol": " ",
        "availableAsCommand": True,
        "type": "CANCELLED",
    },
    {
        "symbol": "d",
        "name": "Delegated",
        "nextStatusSymbol": " ",
        "availableAsCommand": True,
        "type": "DONE",
    },
    {
        "symbol": "c",
        "name": "Dropped",
        "nextStatusSymbol": " ",
        "availableAsCommand": True,
        "type": "CANCELLED",
    },
    {
        "symbol": "~",
        "name": "Note",
        "nextStatusSymbol": "~",
        "availableAsCommand": False,
        "type": "NON_TASK",
    },
    {
        "symbol": "x",
        "name": "Not done",
        "nextStatusSymbol": " ",
        "availableAsCommand": True,
        "type": "TODO",
    },
    {
        "symbol": "✓",
        "name": "Checked",
        "nextStatusSymbol": " ",
        "availableAsCommand": True,
        "type": "DONE",
    },
]


def box(text: str, words: str, symbol: str) -> str:
    """The note's text with the box of the line holding `words` set to `symbol`."""
    (line,) = [x for x in checklist(text) if words in x]
    return text.replace(line, f"- [{symbol}]" + line[5:], 1)


@pytest.mark.parametrize(
    ("symbol", "closed"),
    [("d", True), ("c", True), ("~", True), ("✓", True), ("x", True), ("/", False), ("?", False)],
)
def test_a_status_of_the_users_table_closes_a_follow_up_as_its_type_says(
    vault: Vault, symbol: str, closed: bool
) -> None:
    plugin_settings(vault, statusSettings={"coreStatuses": CORE, "customStatuses": CUSTOM})
    vault.write(NOTE, ACME.replace("2026-11-20T14:00", "2026-11-24T10:00"))
    settle(vault)
    assert "Email a thank-you to Jane Doe" in vault.read("Agenda.md")
    marked = box(vault.read(NOTE), "Email a thank-you", symbol)
    vault.write(NOTE, marked, raw=True)
    settle(vault)
    assert ("Email a thank-you to Jane Doe" not in vault.read("Agenda.md")) is closed
    (line,) = [x for x in checklist(marked) if "Email a thank-you" in x]
    if symbol in "dx✓":  # done with no ✅: dated the day it was seen, the box as the user set it
        marked = marked.replace(line, f"{line} ✅ {TODAY.isoformat()}")
    assert vault.read(NOTE) == marked


def test_without_the_plugins_table_its_symbols_are_open(vault: Vault) -> None:
    vault.write(NOTE, ACME.replace("2026-11-20T14:00", "2026-11-24T10:00"))
    settle(vault)
    vault.write(NOTE, box(vault.read(NOTE), "Email a thank-you", "d"), raw=True)
    settle(vault)
    assert "Email a thank-you to Jane Doe" in vault.read("Agenda.md")  # `d`: unknown, open


def test_the_users_own_lines_and_the_agendas_boxes_by_the_table(vault: Vault) -> None:
    plugin_settings(vault, statusSettings={"coreStatuses": CORE, "customStatuses": CUSTOM})
    body = "- [~] Pack the laptop 📅 2026-11-24\n- [d] Send Jane the write-up 📅 2026-11-25\n"
    vault.write(
        NOTE, ACME.replace("2026-11-20T14:00", "2026-11-24T10:00").replace("Notes.\n", body)
    )
    settle(vault)
    region = vault.read("Agenda.md")
    assert "Pack the laptop" not in region and "Send Jane the write-up" not in region
    line = next(x for x in checklist(region) if "Email a thank-you" in x)
    ident = line.rsplit(" ", 1)[1]
    vault.write("Agenda.md", region.replace(line, "- [d]" + line[5:]), raw=True)  # in the agenda
    settle(vault)
    (carried,) = [x for x in checklist(vault.read(NOTE)) if ident in x]
    assert carried.startswith("- [x] ") and carried.endswith(f"✅ {TODAY.isoformat()}")


def test_the_marks_vaultfu_writes_keep_their_meaning_unless_the_table_says_otherwise() -> None:
    only_mine = status_table((("d", "DONE"),))  # a table with neither `x` nor `-`
    assert only_mine["x"] is TaskStatus.DONE and only_mine["-"] is TaskStatus.CANCELLED
    assert only_mine["d"] is TaskStatus.DONE
    other = status_table((("-", "IN_PROGRESS"), ("x", "DONE")))
    assert "-" not in other and other["x"] is TaskStatus.DONE  # the table said so


def test_a_filter_that_is_one_of_vaultfus_own_words_lets_its_lines_follow_the_facts(
    vault: Vault,
) -> None:
    plugin_filter(vault, "email")  # a plain word, in the channel of vaultfu's own line
    vault.write(NOTE, ACME.replace("2026-11-20T14:00", "2026-11-24T10:00"))
    settle(vault)
    (line,) = [x for x in vaultfu_lines(vault.read(NOTE)) if "Email a thank-you" in x]
    assert line.startswith("- [ ] Email a thank-you to Jane Doe")  # it holds the filter already
    text = vault.read(NOTE).replace("Jane Doe <jane@acme.com>", "Jane Smith <jane@acme.com>")
    vault.write(NOTE, text, raw=True)
    settle(vault)
    (line,) = [x for x in vaultfu_lines(vault.read(NOTE)) if "Email a thank-you" in x]
    assert line.startswith("- [ ] Email a thank-you to Jane Smith")  # brought up to date


def test_check_says_which_of_the_plugins_settings_it_read(vault: Vault) -> None:
    """`vaultfu check` tells what it took from the Tasks plugin's settings (the global filter
    and where it is set, the statuses of the user's table that read otherwise than by the
    plugin's defaults), and says nothing of them when there are none."""
    from click.testing import CliRunner

    from vaultfu.cli import main

    vault.write(NOTE, ACME)
    runner = CliRunner()
    out = runner.invoke(main, ["check", str(vault.root)]).output
    assert "Tasks plugin" not in out and out.endswith("all interview notes are valid\n")
    assert json.loads(runner.invoke(main, ["check", "--json", str(vault.root)]).output) == {
        "problems": [],
        "tasks": {"global_filter": None, "from": None, "statuses": {}},
    }
    table = [
        {"symbol": "d", "type": "DONE"},
        {"symbol": "c", "type": "CANCELLED"},
        {"symbol": "/", "type": "IN_PROGRESS"},
    ]
    plugin_filter(vault, "#task", statusSettings={"coreStatuses": [], "customStatuses": table})
    out = runner.invoke(main, ["check", str(vault.root)]).output
    assert f"global filter `#task` (from {PLUGIN})" in out
    assert "statuses of your table read as [c] cancelled, [d] done\n" in out
    said = json.loads(runner.invoke(main, ["check", "--json", str(vault.root)]).output)["tasks"]
    assert said == {
        "global_filter": "#task",
        "from": PLUGIN,
        "statuses": {"c": "cancelled", "d": "done"},
    }
    vault.write(".vaultfu.toml", 'tasks_filter = "#todo"\n')
    out = runner.invoke(main, ["check", str(vault.root)]).output
    assert "global filter `#todo` (from .vaultfu.toml)" in out
    vault.write(".vaultfu.toml", 'tasks_filter = ""\n')  # none, whatever the plugin says
    assert "global filter" not in runner.invoke(main, ["check", str(vault.root)]).output
