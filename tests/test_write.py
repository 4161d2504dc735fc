"""The write path end to end on real vaults: tasks, drafts, ticks, cancellations, conflicts."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

from vaultfu.edits import BEGIN
from vaultfu.engine import commit, prepare, run
from vaultfu.model import RunResult

from .conftest import ACME, TODAY, Vault

TUE = TODAY


def go(v: Vault, today: dt.date = TUE, write: bool = True) -> RunResult:
    return run(v.root, today=today, clock=dt.date(2000, 1, 1), write=write)


def fresh(date: str = "2026-11-24T10:00", extra: str = "", body: str = "Notes.\n") -> str:
    return (
        ACME.replace("2026-11-20T14:00", date)
        .replace("status: waiting\n", "status: waiting\n" + extra)
        .replace("Notes.\n", body)
    )


def test_due_actions_become_tasks_and_drafts_once(vault: Vault) -> None:
    vault.write("Interviews/acme.md", fresh())
    result = go(vault)
    text = vault.read("Interviews/acme.md")
    assert text.startswith(fresh())  # the user's bytes, then ours
    assert "\n## Follow-ups\n- [ ] Email a thank-you to Jane Doe" in text
    assert "[[#Draft — thank-you email to Jane Doe (24 Nov)|draft]]" in text
    heading = "### Draft — thank-you email to Jane Doe (24 Nov)"
    assert f"\n## Drafts\n\n{heading}\n\nTo: jane@acme.com\n" in text  # folds as one
    assert "Interviews/acme.md" in result.written
    assert [a.kind.value for a in result.drafted] == ["thank-you-email", "thank-you-note"]
    before = vault.snapshot()
    assert go(vault).written == ()
    assert vault.snapshot() == before


def test_only_within_lead_days(vault: Vault) -> None:
    vault.write(
        "Interviews/acme.md", fresh(date="2026-11-26T10:00", extra="thank_you_note: false\n")
    )
    go(vault)
    assert "## Follow-ups" not in vault.read("Interviews/acme.md")
    vault.write(".vaultfu.toml", "lead_days = 2\n", raw=True)
    go(vault)
    assert "🆔 vf-" in vault.read("Interviews/acme.md")


def test_write_notes_false_turns_it_off(vault: Vault) -> None:
    vault.write(".vaultfu.toml", "write_notes = false\n", raw=True)
    vault.write("Interviews/acme.md", fresh())
    result = go(vault)
    assert vault.read("Interviews/acme.md") == fresh()
    assert result.written == ("Agenda.md",)


def test_tasks_go_to_the_end_of_an_existing_section(vault: Vault) -> None:
    body = "## Follow-ups\n- [ ] my own task\n\n## Later notes\nmine\n"
    vault.write("Interviews/acme.md", fresh(body=body, extra="thank_you_note: false\n"))
    go(vault)
    text = vault.read("Interviews/acme.md")
    _head, _, tail = text.partition("- [ ] my own task\n")
    assert tail.startswith("- [ ] Email a thank-you to Jane Doe")
    assert "\n\n## Later notes\nmine\n" in tail
    assert tail.index("## Later notes") < tail.index("## Draft —")


def test_crlf_and_bom_are_kept(vault: Vault) -> None:
    data = ("\ufeff" + fresh()).replace("\n", "\r\n").encode()
    (vault.root / "Interviews").mkdir()
    (vault.root / "Interviews/acme.md").write_bytes(data)
    go(vault)
    after = (vault.root / "Interviews/acme.md").read_bytes()
    assert after.startswith(data)
    assert b"\n" not in after.replace(b"\r\n", b"")
    assert b"## Follow-ups\r\n- [ ] " in after


def test_no_final_newline(vault: Vault) -> None:
    vault.write("Interviews/acme.md", fresh().rstrip("\n"), raw=True)
    go(vault)
    assert vault.read("Interviews/acme.md").startswith(fresh().rstrip("\n") + "\n\n## Follow-ups\n")


def test_an_edited_draft_is_never_touched_and_a_deleted_one_stays_gone(
    vault: Vault, runner
) -> None:  # type: ignore[no-untyped-def]
    vault.write("Interviews/acme.md", fresh(extra="thank_you_note: false\n"))
    go(vault)
    text = vault.read("Interviews/acme.md")
    edited = text.replace("Thank you for taking the time", "Thanks so much for taking the time")
    vault.write("Interviews/acme.md", edited, raw=True)
    go(vault)
    assert vault.read("Interviews/acme.md") == edited
    start = edited.index("### Draft —")
    deleted = edited[:start]
    vault.write("Interviews/acme.md", deleted, raw=True)
    go(vault)
    assert vault.read("Interviews/acme.md") == deleted
    from vaultfu.cli import main

    result = runner.invoke(
        main,
        [
            "draft",
            str(vault.root / "Interviews/acme.md"),
            "--vault",
            str(vault.root),
            "--today",
            "2026-11-24",
            "--kind",
            "thank-you-email",
            "--force",
        ],
    )
    assert result.exit_code == 0, result.output
    back = vault.read("Interviews/acme.md")
    assert back.startswith(deleted) and back.count("## Draft — thank-you email") == 1
    assert back.count("🆔 vf-") == deleted.count("🆔 vf-")  # no second task line


def test_a_draft_whose_heading_a_copied_draft_has_gets_its_own(vault: Vault) -> None:
    """A note duplicated for a second interview the same day holds a copy of the first one's
    draft, under the heading the second one's own draft would have. The new draft is
    `, version 2`, and the new line links to it (a link to a heading takes the first of that
    text: the copy)."""
    vault.write("Interviews/acme.md", fresh(extra="thank_you_note: false\n"))
    go(vault)
    copy = vault.read("Interviews/acme.md").replace("T10:00", "T16:00", 1)
    vault.write("Interviews/acme 2.md", copy, raw=True)
    go(vault)
    text = vault.read("Interviews/acme 2.md")
    usual = "Draft — thank-you email to Jane Doe (24 Nov)"
    headings = [x for x in text.split("\n") if x.startswith("### ")]
    assert headings == [f"### {usual}", f"### {usual}, version 2"]
    (first, second) = [x for x in text.split("\n") if "Email a thank-you" in x]
    assert f"[[#{usual}|draft]]" in first  # the copy (cancelled: a later round came)
    assert f"[[#{usual}, version 2|draft]]" in second
    ident = second.rsplit("🆔 ", 1)[1]
    assert f"%% vaultfu draft {ident} " in text.split(f"### {usual}, version 2\n")[1]
    assert vault.read("Interviews/acme.md").count("### Draft") == 1
    before = vault.snapshot()
    assert go(vault).written == () and vault.snapshot() == before


def test_a_tick_in_the_agenda_lands_in_the_note(vault: Vault) -> None:
    vault.write("Interviews/acme.md", fresh(extra="thank_you_note: false\n"))
    go(vault)
    agenda = vault.read("Agenda.md")
    line = next(x for x in agenda.splitlines() if "Email a thank-you" in x)
    vault.write("Agenda.md", agenda.replace(line, line.replace("- [ ]", "- [x]")), raw=True)
    go(vault, today=dt.date(2026, 11, 25))
    note = vault.read("Interviews/acme.md")
    ticked = next(x for x in note.splitlines() if "Email a thank-you" in x and "🆔" in x)
    assert ticked.startswith("- [x] ") and ticked.endswith(" ✅ 2026-11-25")
    assert "Email a thank-you" not in vault.read("Agenda.md")
    before = vault.snapshot()
    go(vault, today=dt.date(2026, 11, 25))
    assert vault.snapshot() == before


def test_a_tick_on_an_action_not_yet_in_the_note_is_kept(vault: Vault) -> None:
    vault.write(
        "Interviews/acme.md", fresh(date="2026-11-12T10:00", extra="thank_you_note: false\n")
    )
    vault.write(".vaultfu.toml", "write_notes = false\n", raw=True)
    go(vault)
    agenda = vault.read("Agenda.md")
    line = next(x for x in agenda.splitlines() if "Follow up with Jane" in x)
    vault.write("Agenda.md", agenda.replace(line, line.replace("- [ ]", "- [x]")), raw=True)
    go(vault)
    note = vault.read("Interviews/acme.md")
    assert "- [x] Follow up with Jane Doe" in note and "✅ 2026-11-24" in note
    # the second check dates from the real done day: 24 Nov + 7
    result = go(vault, write=False)
    second = [a for a in result.agenda.actions if a.kind.value == "status-check-2"]
    assert [a.due for a in second] == [dt.date(2026, 12, 1)]


def test_a_follow_up_cancelled_in_the_agenda_before_its_line_is_written_stays_cancelled(
    vault: Vault,
) -> None:
    """The agenda lists a follow-up days before its line goes into the note; the Tasks plugin's
    cancel on that agenda line ([-] and ❌) gives the note the line, cancelled, and the
    follow-up is gone (before, the note's edit was refused, the cancel wiped from the agenda,
    and the line written open on the next run)."""
    vault.write("Interviews/acme.md", fresh(date="2026-11-20T10:00"))
    go(vault)
    agenda = vault.read("Agenda.md")
    line = next(x for x in agenda.splitlines() if "Follow up with Jane" in x)
    assert "Follow up with Jane" not in vault.read("Interviews/acme.md")  # due Fri 27 Nov
    cancelled = line.replace("- [ ]", "- [-]") + " ❌ 2026-11-24"
    vault.write("Agenda.md", agenda.replace(line, cancelled), raw=True)
    result = go(vault)
    assert not result.agenda.problems
    note = vault.read("Interviews/acme.md")
    assert "- [-] Follow up with Jane Doe" in note and "🆔 vf-" in note and "❌ 2026-11-24" in note
    assert "Follow up with Jane" not in vault.read("Agenda.md")
    assert go(vault).written == ()  # and it stays so


def test_a_user_task_ticked_in_the_agenda_is_ticked_in_its_note(vault: Vault) -> None:
    body = "- [ ] Send the writing sample 📅 2026-11-24\n"
    vault.write(".vaultfu.toml", "write_notes = false\n", raw=True)
    vault.write("Interviews/acme.md", fresh(body=body))
    go(vault)
    agenda = vault.read("Agenda.md")
    line = next(x for x in agenda.splitlines() if "writing sample" in x)
    vault.write("Agenda.md", agenda.replace(line, line.replace("- [ ]", "- [x]")), raw=True)
    go(vault)
    assert vault.read("Interviews/acme.md") == fresh(
        body="- [x] Send the writing sample 📅 2026-11-24 ✅ 2026-11-24\n"
    )


def test_a_box_ticked_by_hand_in_the_note_gets_its_date(vault: Vault) -> None:
    vault.write("Interviews/acme.md", fresh(extra="thank_you_note: false\n"))
    go(vault)
    note = vault.read("Interviews/acme.md")
    vault.write("Interviews/acme.md", note.replace("- [ ] Email", "- [x] Email"), raw=True)
    go(vault, today=dt.date(2026, 11, 25))
    line = next(x for x in vault.read("Interviews/acme.md").splitlines() if "- [x] Email" in x)
    assert line.endswith("🆔 " + line.split("🆔 ")[1].split()[0] + " ✅ 2026-11-25")


def test_rejection_cancels_open_checks_not_deletes(vault: Vault) -> None:
    vault.write(
        "Interviews/acme.md", fresh(date="2026-11-12T10:00", extra="thank_you_note: false\n")
    )
    go(vault)
    note = vault.read("Interviews/acme.md")
    assert "- [ ] Follow up with Jane Doe" in note
    rejected = note.replace("status: waiting\n", "status: rejected\nstatus_date: 2026-11-25\n")
    vault.write("Interviews/acme.md", rejected, raw=True)
    go(vault, today=dt.date(2026, 11, 25))
    after = vault.read("Interviews/acme.md")
    line = next(x for x in after.splitlines() if "Follow up with Jane Doe" in x)
    assert line.startswith("- [-] ") and line.endswith("❌ 2026-11-25")
    assert "- [ ] Thank Jane Doe" in after  # due tomorrow, within lead_days
    assert len(after.splitlines()) >= len(rejected.splitlines())


def test_another_process_saving_between_read_and_write_keeps_its_bytes(vault: Vault) -> None:
    path = vault.write("Interviews/acme.md", fresh(extra="thank_you_note: false\n"))
    prepared = prepare(vault.root, today=TUE, clock=TUE)
    assert any(w.rel == "Interviews/acme.md" for w in prepared.result.writes)
    script = (
        f"p = {str(path)!r}; t = open(p).read(); "
        "open(p, 'w').write(t.replace('Notes.', 'Notes, typed meanwhile.'))"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    result = commit(prepared)
    text = vault.read("Interviews/acme.md")
    assert "Notes, typed meanwhile." in text  # theirs survived
    assert text.count("- [ ] Email a thank-you to Jane Doe") == 1  # ours was planned again
    assert "Interviews/acme.md" in result.written


def test_an_unclosed_code_block_is_refused_and_left_alone(vault: Vault) -> None:
    text = fresh(body="```\nunclosed code\n")
    vault.write("Interviews/acme.md", text)
    result = go(vault)
    assert vault.read("Interviews/acme.md") == text
    assert any(
        p.path == "Interviews/acme.md" and "code block" in p.message for p in result.agenda.problems
    )


def test_dry_run_prints_diffs_and_writes_nothing(vault: Vault, runner) -> None:  # type: ignore[no-untyped-def]
    from vaultfu.cli import main

    vault.write("Interviews/acme.md", fresh())
    vault.write("Agenda.md", "# mine\n", raw=True)
    before = vault.snapshot()
    result = runner.invoke(main, ["agenda", str(vault.root), "--dry-run", "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert "--- a/Interviews/acme.md\n+++ b/Interviews/acme.md\n" in result.output
    assert "+- [ ] Email a thank-you to Jane Doe" in result.output
    assert "+++ b/Agenda.md" in result.output and f"+{BEGIN}" in result.output
    assert vault.snapshot() == before


def test_done_lists_ids_and_ticks_one(vault: Vault, runner) -> None:  # type: ignore[no-untyped-def]
    from vaultfu.cli import main

    vault.write(
        "Interviews/acme.md", fresh(date="2026-11-12T10:00", extra="thank_you_note: false\n")
    )
    args = ["--vault", str(vault.root), "--today", "2026-11-24"]
    listed = runner.invoke(main, ["done", *args])
    assert listed.exit_code == 0
    ident = next(x.split()[0] for x in listed.output.splitlines() if "Follow up with" in x)
    assert ident.startswith("vf-")
    as_json = json.loads(runner.invoke(main, ["done", *args, "--json"]).output)
    assert ident in {item["id"] for item in as_json}
    before = vault.snapshot()
    dry = runner.invoke(main, ["done", ident, *args, "--dry-run"])
    assert dry.exit_code == 0 and "+- [x] Follow up with" in dry.output
    assert vault.snapshot() == before
    result = runner.invoke(main, ["done", ident, *args, "--on", "2026-11-23"])
    assert result.exit_code == 0, result.output
    note = vault.read("Interviews/acme.md")
    line = next(x for x in note.splitlines() if ident in x)
    assert line.startswith("- [x] ") and line.endswith("✅ 2026-11-23")
    said = result.stdout.strip()  # what it marked, in one line, not the whole agenda
    assert said.startswith("done: Follow up with Jane Doe") and said.count("\n") == 0
    assert f"({ident}) ✅ 2026-11-23 in Interviews/acme.md" in said
    again = runner.invoke(main, ["done", ident, *args])
    assert again.exit_code == 1
    number = note.splitlines().index(line) + 1
    expected = f"{ident} was already done on Mon 23 Nov (Interviews/acme.md line {number})"
    assert expected in again.stderr
    nothing = runner.invoke(main, ["done", "vf-0000000000", *args])
    assert nothing.exit_code == 1 and "no follow-up has the id 'vf-0000000000'" in nothing.stderr


def test_draft_writes_before_it_is_due(vault: Vault, runner) -> None:  # type: ignore[no-untyped-def]
    from vaultfu.cli import main

    vault.write(
        "Interviews/acme.md", fresh(date="2026-11-12T10:00", extra="thank_you_note: false\n")
    )
    vault.write(".vaultfu.toml", "write_notes = false\n", raw=True)
    note = str(vault.root / "Interviews/acme.md")
    args = ["--vault", str(vault.root), "--today", "2026-11-13"]
    result = runner.invoke(main, ["draft", note, *args, "--kind", "status-check"])
    assert result.exit_code == 0, result.output
    text = vault.read("Interviews/acme.md")
    assert "## Draft — status check to Jane Doe (19 Nov)" in text
    assert "Email a thank-you" not in text  # --kind chose only the check
    nothing = runner.invoke(main, ["draft", note, *args, "--kind", "status-check"])
    assert nothing.exit_code == 1 and "nothing to draft" in nothing.stderr
    bad = runner.invoke(main, ["draft", note, *args, "--kind", "flowers"])
    assert bad.exit_code == 2
    assert "'flowers' is not a kind; one of: thank-you-email, thank-you-note" in bad.output
    missing = runner.invoke(main, ["draft", str(vault.root / "Interviews/nope.md"), *args])
    assert missing.exit_code == 2 and "Interviews/nope.md: no such note" in missing.output


def _heading_levels(text: str) -> list[tuple[int, str]]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt().parse(text.split("\n---\n", 1)[1])
    return [
        (int(t.tag[1]), tokens[i + 1].content)
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]


def test_drafts_fold_as_one_section_and_keep_what_follows(vault: Vault) -> None:
    """Every draft is a `###` under one `## Drafts`, so Obsidian folds them together; a
    section the user wrote after it stays after it, and later drafts join the section."""
    vault.write("Interviews/acme.md", fresh())
    go(vault)  # the thank-you email (and the note, due tomorrow within lead_days)
    text = vault.read("Interviews/acme.md")
    vault.write("Interviews/acme.md", text + "\n## My notes after\n\nMine.\n", raw=True)
    go(vault, today=dt.date(2026, 12, 9))  # later: a status check's draft
    text = vault.read("Interviews/acme.md")
    levels = _heading_levels(text)
    drafts = levels.index((2, "Drafts"))
    mine = levels.index((2, "My notes after"))
    inside = levels[drafts + 1 : mine]
    assert len(inside) >= 3 and all(level == 3 for level, _ in inside), levels
    assert all(title.startswith("Draft — ") for _, title in inside)
    assert not any(t.startswith("Draft — ") for _, t in levels[mine:])
    assert text.endswith("## My notes after\n\nMine.\n")
    assert go(vault, today=dt.date(2026, 12, 9)).written == ()


def test_a_note_in_the_old_layout_keeps_its_drafts(vault: Vault) -> None:
    """Drafts written before (`## Draft — …`) stay where they are and are still vaultfu's:
    brought up to date while unedited; new drafts go under a new `## Drafts`."""
    vault.write("Interviews/acme.md", fresh(extra="thank_you_note: false\n"))
    go(vault)
    old = vault.read("Interviews/acme.md").replace("## Drafts\n\n###", "##")
    vault.write("Interviews/acme.md", old, raw=True)
    assert go(vault).written == ()  # the old layout is read as it is
    moved = old.replace("date: 2026-11-24T10:00", "date: 2026-11-24T10:00\ndecision_by: 2026-12-01")
    vault.write("Interviews/acme.md", moved, raw=True)
    go(vault, today=dt.date(2026, 12, 3))
    text = vault.read("Interviews/acme.md")
    assert text.count("\n## Draft — thank-you email to Jane Doe (24 Nov)\n") == 1
    assert "\n## Drafts\n\n### Draft — status check to Jane Doe" in text


def test_a_fresh_draft_asked_for_supersedes_the_edited_one_out_of_date(
    vault: Vault,
    runner,  # type: ignore[no-untyped-def]
) -> None:
    """The problem of an edited draft out of date says that `vaultfu draft NOTE --force`
    writes a fresh one below it. Once it did, the fresh one is the draft: the edited one above
    it is left as it is and no longer said to be out of date on every run."""
    from vaultfu.cli import main

    vault.write("Interviews/acme.md", fresh(extra="thank_you_note: false\n"))
    go(vault)
    text = vault.read("Interviews/acme.md")
    mine = text.replace("[something you discussed]", "the roadmap")
    vault.write("Interviews/acme.md", mine.replace("T10:00", "T15:00", 1), raw=True)
    assert any("is out of date" in p.message for p in go(vault).agenda.problems)
    args = ["draft", str(vault.root / "Interviews/acme.md"), "--vault", str(vault.root)]
    args += ["--today", TUE.isoformat(), "--kind", "thank-you-email", "--force"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    forced = vault.read("Interviews/acme.md")
    assert forced.count("### Draft — thank-you email") == 2 and "the roadmap" in forced
    # its own heading (a link to a heading takes the first of that text), the line linked to it
    usual = "Draft — thank-you email to Jane Doe (24 Nov)"
    headings = [x for x in forced.split("\n") if x.startswith("### Draft — thank-you")]
    assert headings == [f"### {usual}", f"### {usual}, version 2"]
    (line,) = [x for x in forced.split("\n") if "🆔 vf-" in x and "thank-you" in x]
    assert f"[[#{usual}, version 2|draft]]" in line
    assert f"draft added: Interviews/acme.md → {usual}, version 2" in result.output
    after = go(vault)
    assert not any("is out of date" in p.message for p in after.agenda.problems)
    assert after.written == () or after.written == ("Agenda.md",)
    assert vault.read("Interviews/acme.md") == forced
    before = vault.snapshot()
    assert go(vault).written == () and vault.snapshot() == before
    # the facts change again: the fresh draft (not edited) follows them under its own heading
    topics = forced.replace("status:", "topics: [their event store]\nstatus:", 1)
    vault.write("Interviews/acme.md", topics, raw=True)
    go(vault)
    moved = vault.read("Interviews/acme.md")
    assert moved.count(f"### {usual}\n") == 1 and moved.count(f"### {usual}, version 2\n") == 1
    assert "your event store" in moved.split(f"### {usual}, version 2\n")[1]  # (you: to Jane)
    assert "event store" not in moved.split(f"### {usual}, version 2\n")[0].split("---\n")[2]
    before = vault.snapshot()
    assert go(vault).written == () and vault.snapshot() == before
    # and asked for once more, a third
    assert runner.invoke(main, args).exit_code == 0
    again = vault.read("Interviews/acme.md")
    (line,) = [x for x in again.split("\n") if "🆔 vf-" in x and "thank-you" in x]
    assert f"[[#{usual}, version 3|draft]]" in line and f"### {usual}, version 3\n" in again


def _status_check(text: str) -> str:
    return next(line for line in text.splitlines() if "Follow up with Jane Doe" in line)


def _decision_by(v: Vault, day: str) -> None:
    text = v.read("Interviews/acme.md")
    if "decision_by:" in text:
        text = re.sub(r"decision_by: \S+", f"decision_by: {day}", text)
    else:
        text = text.replace("status: waiting\n", f"status: waiting\ndecision_by: {day}\n")
    v.write("Interviews/acme.md", text, raw=True)


def test_words_the_user_changed_on_a_vaultfu_line_stay(vault: Vault) -> None:
    """DESIGN §4: an open line's text and 📅 follow the facts, and whatever the user added to
    the line stays: words added to its text or changed in it too. When the facts change, only
    its 📅 and its draft link (to the draft written anew for the new day) move; the agenda
    shows vaultfu's new words."""
    vault.write("Interviews/acme.md", fresh(date="2026-11-10T10:00"))
    go(vault)
    text = vault.read("Interviews/acme.md")
    line = _status_check(text)
    assert "[[#Draft — status check to Jane Doe (17 Nov)|draft]] 📅 2026-11-17" in line
    added = line.replace("|draft]] ", "|draft]] (or call her Monday) ", 1)
    changed = line.replace("look for company news first", "mention the demo", 1)
    for mine in (added, changed):
        vault.write("Interviews/acme.md", text.replace(line, mine), raw=True)
        assert go(vault).written == ()  # the user's words are not put back
        _decision_by(vault, "2026-11-27")
        go(vault)
        after = vault.read("Interviews/acme.md")
        agenda = vault.read("Agenda.md")
        due = re.search(r"due (\S+) 🆔 " + line[-13:], agenda)
        assert due is not None and due.group(1) != "2026-11-17"
        day = dt.date.fromisoformat(due.group(1))
        assert _status_check(after) == mine.replace(
            "(17 Nov)|draft", f"({day.day} {day:%b})|draft"
        ).replace("📅 2026-11-17", f"📅 {day}")
        assert f"### Draft — status check to Jane Doe ({day.day} {day:%b})" in after
        assert "Acme Corp (Senior Backend Engineer) (they named Fri 27 Nov): ask where" in agenda
        before = vault.snapshot()
        assert go(vault).written == ()
        assert vault.snapshot() == before
        vault.write("Interviews/acme.md", text, raw=True)
        go(vault)


def test_words_vaultfu_wrote_follow_the_facts(vault: Vault) -> None:
    """A line whose words are still vaultfu's (as the agenda showed them) is brought up to date.
    With no agenda to tell (the agenda note deleted), its words stay as they are and its 📅
    moves: vaultfu cannot tell them from the user's own."""
    vault.write("Interviews/acme.md", fresh(date="2026-11-10T10:00"))
    go(vault)
    _decision_by(vault, "2026-11-27")
    go(vault)
    line = _status_check(vault.read("Interviews/acme.md"))
    assert "(Senior Backend Engineer) (they named Fri 27 Nov): ask where the decision" in line
    (vault.root / "Agenda.md").unlink()
    _decision_by(vault, "2026-11-30")
    go(vault)
    now = _status_check(vault.read("Interviews/acme.md"))
    assert "(they named Fri 27 Nov)" in now and "📅 2026-12-0" in now
    assert "(they named Mon 30 Nov)" in vault.read("Agenda.md")


def test_a_recurring_task_ticked_in_the_agenda_waits_for_the_plugins_toggle(vault: Vault) -> None:
    """A task of the user's that repeats (🔁): only the Tasks plugin's own toggle adds its next
    occurrence, so a tick in the agenda is not carried into the note (it would end the series):
    the agenda keeps it, a problem says where to tick it, and once it is done in the note the
    next occurrence is listed."""
    task = "- [ ] Check Acme's job board 🔁 every week 📅 2026-11-24"
    vault.write("Interviews/acme.md", fresh(body=f"Notes.\n\n{task}\n"))
    go(vault)
    agenda = vault.read("Agenda.md")
    (line,) = [x for x in agenda.split("\n") if "job board" in x]
    note = vault.read("Interviews/acme.md")
    vault.write("Agenda.md", agenda.replace(line, f"- [x]{line[5:]} ✅ 2026-11-24"), raw=True)
    result = go(vault)
    assert vault.read("Interviews/acme.md") == note  # still open: the series goes on
    (problem,) = [p for p in result.agenda.problems if "repeats (🔁)" in p.message]
    assert (problem.path, problem.line) == ("Interviews/acme.md", note.split("\n").index(task) + 1)
    assert f"- [x]{line[5:]} ✅ 2026-11-24" in vault.read("Agenda.md")  # the tick kept there
    assert go(vault).written == ()
    # the plugin's toggle in the note: the next occurrence above, this one done
    nxt = task.replace("2026-11-24", "2026-12-01")
    vault.write(
        "Interviews/acme.md", note.replace(task, f"{nxt}\n- [x]{task[5:]} ✅ 2026-11-24"), raw=True
    )
    result = go(vault)
    assert not [p for p in result.agenda.problems if "repeats" in p.message]
    listed = [x for x in vault.read("Agenda.md").split("\n") if "job board" in x]
    assert len(listed) == 1 and listed[0].startswith("- [ ] ") and "due 2026-12-01" in listed[0]
    assert go(vault).written == ()


def test_a_problem_on_a_line_below_new_lines_names_it_where_it_will_be(vault: Vault) -> None:
    """A task of the user's with a date that is no date, below the Follow-ups section: the run
    that adds follow-ups above it names the line it will be on, so the next run, with nothing
    to write, says the same (and does not write the agenda again)."""
    body = (
        "## Follow-ups\n- [ ] Call Bob 📅 2026-11-25\n\n"
        "## Notes\n- [ ] Send the deck 📅 2026-11-31\n"
    )
    vault.write("Interviews/acme.md", fresh(body=body))
    result = go(vault)
    assert "Interviews/acme.md" in result.written
    lines = vault.read("Interviews/acme.md").split("\n")
    (problem,) = [p for p in result.agenda.problems if "not a real date" in p.message]
    assert lines[problem.line - 1] == "- [ ] Send the deck 📅 2026-11-31"  # (not where it was)
    assert problem.line != fresh(body=body).split("\n").index(lines[problem.line - 1]) + 1
    assert go(vault).written == ()
