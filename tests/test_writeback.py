"""The write-back plan, pure: a note's text and a day in, the note's new text out. No disk."""

from __future__ import annotations

import datetime as dt
import importlib.resources

from vaultfu.agenda import Ticks, agenda_ticks
from vaultfu.config import Config
from vaultfu.edits import BEGIN, END
from vaultfu.model import Kind, TaskStatus
from vaultfu.notes import parse_text
from vaultfu.wanted import Request
from vaultfu.writeback import NotesPlan, check_edit, plan_notes

from .conftest import ACME, note

REL = "Interviews/acme.md"
FRIDAY = dt.date(2026, 11, 20)  # the interview day
TEMPLATES = {
    k.value: (importlib.resources.files("vaultfu") / "templates" / f"{k.value}.md").read_text(
        "utf-8"
    )
    for k in Kind
    if k.sends_message
}
THANKS = "vf-fa0685cca8"  # the thank-you email's id: kind, application, interview day, person
HEADING = "### Draft — thank-you email to Jane Doe (20 Nov)"


def plan_of(
    text: str,
    today: dt.date,
    *,
    ticks: Ticks | None = None,
    request: Request | None = None,
    edits: bool = True,
    config: Config | None = None,
) -> NotesPlan:
    config = config or Config()
    found = parse_text(REL, text, config)
    assert found is not None
    return plan_notes(
        {REL: text}.__getitem__,
        (found[0],),
        config=config,
        today=today,
        ticks=ticks or {},
        request=request or Request(),
        template=TEMPLATES.__getitem__,
        resolve=lambda notes: notes,
        edits=edits,
    )


def edited(text: str, today: dt.date, **kwargs: object) -> str:
    return plan_of(text, today, **kwargs).edits.get(REL, text)  # type: ignore[arg-type]


TEXT = note(ACME)


def test_a_due_thank_you_gets_its_task_line_and_its_draft() -> None:
    new = edited(TEXT, FRIDAY)
    assert new.startswith(TEXT)  # insertions only, at the end here
    added = new[len(TEXT) :]
    assert added.startswith(
        "\n## Follow-ups\n- [ ] Email a thank-you to Jane Doe at Acme Corp (Senior Backend "
        "Engineer) · email · [[#Draft — thank-you email to Jane Doe (20 Nov)|draft]] "
        f"📅 2026-11-20 🆔 {THANKS}\n\n## Drafts\n\n{HEADING}\n\nTo: jane@acme.com\n"
    )
    assert added.count("## Draft —") == 1  # the handwritten note is not due yet (lead: 1 day)


def test_nothing_due_means_no_edit() -> None:
    assert plan_of(TEXT, FRIDAY - dt.timedelta(days=2)).edits == {}


def test_a_second_pass_changes_nothing() -> None:
    once = edited(TEXT, FRIDAY)
    assert plan_of(once, FRIDAY).edits == {}


def test_a_tick_from_the_agenda_lands_on_the_line_with_its_day() -> None:
    once = edited(TEXT, FRIDAY)
    ticks: Ticks = {THANKS: (TaskStatus.DONE, FRIDAY)}  # `vaultfu done … --on 2026-11-20`
    twice = edited(once, dt.date(2026, 11, 21), ticks=ticks)
    line = next(x for x in twice.splitlines() if THANKS in x)
    assert line.startswith("- [x] Email a thank-you")
    assert line.endswith(f"🆔 {THANKS} ✅ 2026-11-20")
    assert twice.replace(line, "") == once.replace(
        next(x for x in once.splitlines() if THANKS in x), ""
    )


def test_a_tick_for_an_action_with_no_line_yet_writes_it_ticked() -> None:
    early = FRIDAY - dt.timedelta(days=3)  # nothing written yet
    ticks: Ticks = {THANKS: (TaskStatus.DONE, early)}
    new = edited(TEXT, FRIDAY, ticks=ticks)
    line = next(x for x in new.splitlines() if THANKS in x)
    assert line.startswith("- [x] ") and line.endswith(f"✅ {early.isoformat()}")
    assert HEADING not in new  # done already: no draft for it


def test_a_box_ticked_by_hand_gets_todays_date() -> None:
    once = edited(TEXT, FRIDAY)
    ticked = once.replace("- [ ] Email a thank-you", "- [x] Email a thank-you")
    new = edited(ticked, dt.date(2026, 11, 21))
    assert f"🆔 {THANKS} ✅ 2026-11-21" in new


def test_an_open_line_whose_action_no_longer_applies_is_cancelled() -> None:
    once = edited(TEXT, FRIDAY)
    rejected = once.replace("status: waiting", "status: rejected\nstatus_date: 2026-11-25")
    new = edited(rejected, dt.date(2026, 11, 26))
    line = next(x for x in new.splitlines() if THANKS in x)
    assert line.startswith("- [-] ") and line.endswith("❌ 2026-11-26")


def test_a_draft_asked_for_is_written_before_it_is_due() -> None:
    early = FRIDAY - dt.timedelta(days=3)
    request = Request(draft_note=REL, draft_kind=Kind.THANK_YOU_EMAIL)
    new = edited(TEXT, early, request=request)
    assert HEADING in new and THANKS in new


def test_the_agenda_only_plans_no_edits() -> None:
    planned = plan_of(TEXT, FRIDAY, edits=False)
    assert planned.edits == {}
    assert THANKS in {a.id for a in planned.plan.open()}


def test_write_notes_false_writes_nothing_into_notes() -> None:
    assert plan_of(TEXT, FRIDAY, config=Config(write_notes=False)).edits == {}


def test_an_edit_that_touches_the_frontmatter_is_refused() -> None:
    once = edited(TEXT, FRIDAY)
    config = Config()
    found = parse_text(REL, TEXT, config)
    assert found is not None
    wanted = plan_of(TEXT, FRIDAY)
    bad = once.replace("status: waiting", "status: offer")
    trouble = check_edit(TEXT, bad, REL, config, wanted.wanted)
    assert trouble is not None and "frontmatter" in trouble
    assert check_edit(TEXT, once, REL, config, wanted.wanted) is None


def test_agenda_ticks_are_read_from_the_region_only() -> None:
    agenda = (
        f"- [x] outside 🆔 vf-0000000000\n{BEGIN}\n"
        f"- [x] Thank Jane 📅 2026-11-20 🆔 {THANKS}\n"
        "- [-] Call 📅 2026-11-20 🆔 vf-1111111111\n"
        "- [ ] Open 📅 2026-11-20 🆔 vf-2222222222\n"
        f"{END}\n"
    )
    day = dt.date(2026, 11, 21)
    assert agenda_ticks(agenda.encode(), "Agenda.md", day) == {
        THANKS: (TaskStatus.DONE, day),
        "vf-1111111111": (TaskStatus.CANCELLED, day),
    }
    assert agenda_ticks(None, "Agenda.md", day) == {}
