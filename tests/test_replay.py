"""The job search as it changes (issue 11's cases): each replayed over several days, with the
user's edits between runs made on real files."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from .conftest import Vault, note
from .replay import Replay, tasks_of

GLOBEX = "Interviews/globex.md"
ACME = "Interviews/acme.md"


def offer(deadline: str = "2026-11-24", extra: str = "") -> str:
    return note(
        f"""
        ---
        type: interview
        company: Globex
        role: Backend Engineer
        date: 2026-11-05T10:00
        interviewers:
          - Hank Scorpio <hank@globex.com>
        status: offer
        status_date: 2026-11-19
        offer_deadline: {deadline}
        {extra}
        ---
        The offer.
        """
    )


def waiting(date: str = "2026-11-10T14:00", extra: str = "") -> str:
    return note(
        f"""
        ---
        type: interview
        company: Acme Corp
        role: Senior Backend Engineer
        date: {date}
        interviewers:
          - Jane Doe <jane@acme.com>
        status: waiting
        thank_you_note: false
        {extra}
        ---
        Notes.
        """
    )


def scheduled(date: str) -> str:
    """An interview still to come."""
    return waiting(date).replace("status: waiting", "status: scheduled")


def thanked_then_checked(r: Replay, day: str) -> tuple[str, str]:
    """ACME's interview of 10 Nov: its thank-you ticked that day, then on `day` its status
    check written. Returns their ids."""
    r.day("2026-11-10")
    (thank,) = r.ids(ACME, "Email a thank-you")
    r.tick_in_note(ACME, thank, "2026-11-10")
    r.day(day)
    (check,) = r.ids(ACME, "Follow up with")
    return thank, check


def test_1_a_moved_deadline_moves_the_task_line_and_its_draft(vault: Vault) -> None:
    vault.write(GLOBEX, offer(), raw=True)
    r = Replay(vault)
    r.day("2026-11-22")
    (ident,) = r.ids(GLOBEX, "Answer the offer")
    assert "📅 2026-11-23" in r.line(GLOBEX, ident) and "Tue 24 Nov" in r.line(GLOBEX, ident)
    r.edit(GLOBEX, "offer_deadline: 2026-11-24", "offer_deadline: 2026-11-27")
    r.day("2026-11-23")
    line = r.line(GLOBEX, ident)
    assert "📅 2026-11-26" in line and "Fri 27 Nov" in line and "Tue 24 Nov" not in line
    assert r.agenda_tasks()[ident].isoformat() == "2026-11-26"  # type: ignore[union-attr]
    text = vault.read(GLOBEX)
    assert "until Friday 27 November" in text and "Tuesday 24 November" not in text
    assert text.count("## Draft —") == 1
    assert f"[[#Draft — offer answer to Hank Scorpio (26 Nov)|draft]] 📅 2026-11-26 🆔 {ident}" in (
        line
    )
    # a fixed status_date moves an offer with no deadline the same way
    r.edit(GLOBEX, "offer_deadline: 2026-11-27\n", "")
    r.day("2026-11-23")
    assert "📅 2026-11-23" in r.line(GLOBEX, ident)  # status_date 19 Nov + 3 days, a Sunday
    r.edit(GLOBEX, "status_date: 2026-11-19", "status_date: 2026-11-20")
    r.day("2026-11-23")
    assert "📅 2026-11-23" in r.line(GLOBEX, ident)  # 23 Nov, a Monday
    assert vault.read(GLOBEX).count("## Draft —") == 1


def test_1_an_edited_draft_is_left_and_said_to_be_stale(vault: Vault) -> None:
    vault.write(GLOBEX, offer(), raw=True)
    r = Replay(vault)
    r.day("2026-11-22")
    r.edit(GLOBEX, "[Choose one:", "I am delighted to accept. [Choose one:")
    mine = vault.read(GLOBEX)
    r.edit(GLOBEX, "offer_deadline: 2026-11-24", "offer_deadline: 2026-11-27")
    edited = vault.read(GLOBEX)
    out = r.day("2026-11-23")
    text = vault.read(GLOBEX)
    draft = edited[edited.index("## Draft —") :]
    assert draft in text  # the user's draft, byte for byte
    assert "out of date" in out and "the deadline is now Fri 27 Nov" in out
    assert "out of date" in vault.read("Agenda.md")
    assert mine != edited


def test_2_a_status_edited_by_hand_is_dated_after_the_last_follow_up(vault: Vault) -> None:
    vault.write(ACME, waiting("2026-11-02T10:00", "status_date: 2026-11-06"), raw=True)
    r = Replay(vault)
    r.day("2026-11-09")
    (check,) = r.ids(ACME, "Follow up with")
    r.tick_in_agenda(check, "2026-11-23")
    r.day("2026-11-23")
    r.edit(ACME, "status: waiting", "status: rejected")
    out = r.day("2026-11-24")
    (thanks,) = r.ids(ACME, "for the decision")
    assert "📅 2026-11-24" in r.line(ACME, thanks)  # the check done 23 Nov + 1 day
    assert "late" not in r.line("Agenda.md", thanks)
    assert "## Draft — thank-you after the decision to Jane Doe (24 Nov)" in vault.read(ACME)
    checked = r.run("check")
    assert f"{ACME}:" in checked and "status_date 2026-11-06" in checked
    assert f"vaultfu set '{ACME}' status_date" in checked
    assert "status_date 2026-11-06" in out


def test_2_answering_a_decision_says_nothing_of_its_date(vault: Vault) -> None:
    """What answers a status (the thank-you for a rejection, LinkedIn after it, the offer
    answered) comes after it by nature: done, it neither moves the decision's date nor has
    `check` ask for the real one, as a status check done after it does (above)."""
    facts = "status: rejected\nstatus_date: 2026-11-19\nconnect: true"
    vault.write(ACME, waiting().replace("status: waiting", facts), raw=True)
    vault.write(GLOBEX, offer(), raw=True)
    r = Replay(vault)
    r.day("2026-11-22")
    (thanks,) = r.ids(ACME, "for the decision")
    (answer,) = r.ids(GLOBEX, "Answer the offer")
    r.tick_in_note(ACME, thanks, "2026-11-22")
    r.tick_in_note(GLOBEX, answer, "2026-11-22")
    out = r.day("2026-11-23")
    assert "before your last follow-up" not in out + r.run("check")
    (connect,) = r.ids(ACME, "LinkedIn")
    # 19 Nov + 2 days is a Saturday: Monday 23 Nov, not the thank-you's 22 Nov + 2 days
    assert r.agenda_tasks()[connect] == dt.date(2026, 11, 23)
    assert r.line(ACME, thanks).endswith(f"🆔 {thanks} 📅 2026-11-20 ✅ 2026-11-22")
    r.tick_in_note(ACME, connect, "2026-11-24")
    assert "before your last follow-up" not in r.day("2026-11-24")
    r.edit(ACME, "connect: true", "connect: true\nkeep_in_touch: true")
    r.day("2027-02-19")  # 19 Nov + 3 months
    (first,) = r.ids(ACME, "Keep in touch")
    r.tick_in_note(ACME, first, "2027-02-20")
    out = r.day("2027-02-22")
    assert "before your last follow-up" not in out + r.run("check")
    assert dt.date(2027, 5, 20) in r.agenda_tasks().values()  # the next: 3 months after


def test_3_accepting_an_offer_stops_the_chasing_and_asks_to_withdraw(vault: Vault) -> None:
    vault.write(GLOBEX, offer(), raw=True)
    vault.write(ACME, waiting(), raw=True)
    r = Replay(vault)
    r.day("2026-11-17")
    (check,) = r.ids(ACME, "Follow up with")
    r.run("set", str(vault.root / GLOBEX), "status", "accepted", "--on", "2026-11-20")
    r.day("2026-11-20")
    assert r.line(ACME, check).startswith("- [-] ")  # cancelled, once
    assert "Withdraw from Acme Corp" in vault.read("Agenda.md")
    r.day("2026-11-22")
    (withdraw,) = r.ids(ACME, "Withdraw from")
    assert "📅 2026-11-23" in r.line(ACME, withdraw)  # the next business day after Friday
    assert "accepted an offer from Globex" in r.line(ACME, withdraw)
    assert "Subject: Withdrawing my application" in vault.read(ACME)
    agenda = vault.read("Agenda.md")
    assert "Follow up with" not in agenda and "Check in a second" not in agenda
    r.day("2026-12-20")
    agenda = vault.read("Agenda.md")
    assert "Check in a second" not in agenda and "Tell Jane" not in agenda


def test_4_declining_an_offer_answers_it(vault: Vault) -> None:
    vault.write(GLOBEX, offer(), raw=True)
    r = Replay(vault)
    r.day("2026-11-22")
    (ident,) = r.ids(GLOBEX, "Answer the offer")
    r.run("set", str(vault.root / GLOBEX), "status", "declined", "--on", "2026-11-23")
    r.day("2026-11-23")
    assert r.line(GLOBEX, ident).startswith("- [x] ")
    assert r.line(GLOBEX, ident).endswith("✅ 2026-11-23")


def test_5_ticking_move_on_closes_the_application(vault: Vault) -> None:
    vault.write(ACME, waiting("2026-10-01T10:00"), raw=True)
    r = Replay(vault)
    r.day("2026-10-08")
    (first,) = r.ids(ACME, "Follow up with")
    r.tick_in_agenda(first, "2026-10-08")
    r.day("2026-10-15")
    (second,) = r.ids(ACME, "Check in a second")
    r.tick_in_agenda(second, "2026-10-15")
    r.day("2026-10-29")
    (move_on,) = r.ids(ACME, "close Acme Corp")
    agenda = vault.read("Agenda.md")
    assert '"waiting" : 1' in agenda
    r.tick_in_agenda(move_on, "2026-10-29")
    r.day("2026-10-30")
    agenda = vault.read("Agenda.md")
    assert "Waiting on them" not in agenda and "Acme Corp" not in agenda.split("## Pipeline")[0]
    assert '"closed" : 1' in agenda and '"waiting"' not in agenda
    assert json.loads(r.run("stats", "--json"))["applications"] == {"closed": 1}


def test_6_a_tick_keeps_the_day_it_was_ticked(vault: Vault) -> None:
    vault.write(ACME, waiting("2026-11-10T14:00"), raw=True)
    r = Replay(vault)
    r.day("2026-11-17")
    (check,) = r.ids(ACME, "Follow up with")
    r.tick_in_agenda(check, "2026-11-19")
    r.day("2026-11-20")
    assert r.line(ACME, check).endswith("✅ 2026-11-19")
    (second,) = r.ids(ACME, "Check in a second") or [None]
    agenda = vault.read("Agenda.md")
    assert "due 2026-11-26" in agenda  # 19 Nov + 7 days, not 20 Nov + 7
    assert second is None  # not due yet: its line is not written before its day


def test_7_thank_yous_expire_instead_of_showing_weeks_late(vault: Vault) -> None:
    vault.write(
        ACME,
        waiting("2026-10-29T10:00", "thank_you_note: true").replace("thank_you_note: false\n", ""),
        raw=True,
    )
    r = Replay(vault)
    r.day("2026-11-22")  # logged 24 days late
    agenda = vault.read("Agenda.md")
    assert "thank-you" not in agenda and "Follow up with" in agenda
    assert not r.ids(ACME, "thank-you")
    fresh = "Interviews/fresh.md"
    vault.write(fresh, waiting("2026-11-23T10:00").replace("Acme Corp", "Initech"), raw=True)
    r.day("2026-11-23")
    (thanks,) = r.ids(fresh, "thank-you")
    r.day("2026-11-30")  # a week: still worth sending
    assert r.line(fresh, thanks).startswith("- [ ] ")
    r.day("2026-12-01")  # past the week: cancelled, once
    assert r.line(fresh, thanks).startswith("- [-] ") and "❌ 2026-12-01" in r.line(fresh, thanks)
    r.day("2026-12-02")
    assert r.line(fresh, thanks).count("❌") == 1


def test_8_follow_up_on_is_your_date_not_theirs(vault: Vault) -> None:
    vault.write(ACME, waiting("2026-11-16T10:00", "follow_up_on: 2026-11-30"), raw=True)
    r = Replay(vault)
    r.day("2026-11-23")
    agenda = vault.read("Agenda.md")
    assert "owe you a decision by" not in agenda
    r.day("2026-11-30")
    text = vault.read(ACME)
    assert "as you suggested" in text


def test_9_the_tasks_plugins_own_edits_make_no_duplicates(vault: Vault) -> None:
    vault.write(ACME, waiting("2026-11-20T14:00"), raw=True)
    r = Replay(vault)
    r.day("2026-11-20")
    (thanks,) = r.ids(ACME, "thank-you")
    line = r.line(ACME, thanks)
    r.edit(ACME, line, line.replace("- [ ] ", "- [/] "))  # in progress, from the Tasks menu
    r.day("2026-11-21")
    line = r.line(ACME, thanks)
    r.edit(ACME, line, line + " #waiting")  # a tag after the fields
    r.day("2026-11-22")
    line = r.line(ACME, thanks)
    r.edit(ACME, line, line + " ^e1f2a3")  # "Copy link to block": a block id, always last
    r.day("2026-11-23")
    text = vault.read(ACME)
    assert text.count(f"🆔 {thanks}") == 1 and text.count("## Draft —") == 1
    line = r.line(ACME, thanks)
    assert line.startswith("- [/] ") and line.endswith("#waiting ^e1f2a3")
    # text after a block id hides the id from the Tasks plugin: still one line, never two
    r.edit(ACME, line, line + " #later")
    r.day("2026-11-23")
    assert vault.read(ACME).count(f"🆔 {thanks}") == 1
    assert "#later" not in vault.read("Agenda.md")  # not taken for a task of the user's
    r.edit(ACME, line + " #later", line)
    r.day("2026-11-23")
    r.tick_in_agenda(thanks, "2026-11-23")
    r.day("2026-11-24")
    assert r.line(ACME, thanks).startswith("- [x] ")
    assert r.line(ACME, thanks).count("✅ 2026-11-23") == 1
    assert len([t for t in tasks_of(vault.read(ACME)) if t.id == thanks]) == 1


def test_10_drafts_say_what_they_should(vault: Vault) -> None:
    vault.write(GLOBEX, offer("2026-11-27"), raw=True)
    panel = note(
        """
        ---
        type: interview
        company: Acme Corp
        role: Senior Backend Engineer
        round: phone screen
        date: 2026-11-20T14:00
        priority: 1
        status: waiting
        decision_by: 2026-11-24
        interviewers:
          - {name: Jane Doe, email: jane@acme.com, topics: [the rate limiter]}
          - Sam Roe <sam@acme.com>
          - Kim Lee <kim@acme.com>
        references:
          - Bob Smith <bob@example.com>
        topics: ["their event-sourcing migration"]
        thank_you_note: false
        ---
        """
    )
    vault.write(ACME, panel, raw=True)
    r = Replay(vault)
    r.day("2026-11-20")
    text = vault.read(ACME)
    drafts = text.split("## Draft — ")[1:]
    thanks = [d for d in drafts if d.startswith("thank-you email")]
    assert len(thanks) == 3 and len({d.split("\n", 3)[3][:200] for d in thanks}) == 3
    jane = next(d for d in thanks if "to Jane Doe" in d)
    assert "the rate limiter" in jane
    assert any("your event-sourcing migration" in d for d in thanks)
    assert "their event-sourcing migration" not in "".join(thanks)
    competing = next(d for d in drafts if d.startswith("competing offer"))
    assert "answer by Friday 27 November" in competing
    heads_up = next(d for d in drafts if d.startswith("reference heads-up"))
    assert "Jane Doe or Sam Roe or Kim Lee" in heads_up
    r.day("2026-11-26")  # decision_by + 2 business days: the check, a day before the deadline
    check = next(d for d in vault.read(ACME).split("## Draft — ") if d.startswith("status check"))
    assert "answer by Friday 27 November" in check


def test_10_no_interviewer_means_the_hiring_team(vault: Vault) -> None:
    vault.write(
        ACME,
        waiting("2026-11-10T14:00")
        .replace("interviewers:\n  - Jane Doe <jane@acme.com>\n", "")
        .replace("Acme Corp", "A/B Corp"),
        raw=True,
    )
    r = Replay(vault)
    r.day("2026-11-17")
    agenda = vault.read("Agenda.md")
    assert "Follow up with the hiring team at A/B Corp" in agenda
    assert "with A/B Corp at A/B Corp" not in agenda
    assert "Hi A/B Corp team," in vault.read(ACME)


def test_10_a_phone_screen_is_prepared_by_phone(vault: Vault) -> None:
    screen = scheduled("2026-11-26T10:00")
    vault.write(ACME, screen.replace("thank_you_note: false", "round: phone screen"), raw=True)
    vault.write(
        GLOBEX,
        offer()
        .replace("status: offer", "status: scheduled")
        .replace("date: 2026-11-05T10:00", "date: 2026-11-26T15:00\nformat: video"),
        raw=True,
    )
    r = Replay(vault)
    r.day("2026-11-25")
    agenda = vault.read("Agenda.md")
    prepare = [x for x in agenda.splitlines() if "Prepare for" in x]
    assert any("phone screen interview at Acme" in x and "· phone " in x for x in prepare)
    assert any("at Globex" in x and "· video " in x for x in prepare)
    assert all("in person" not in x and "card" not in x for x in prepare)


def test_a_snoozed_follow_up_is_due_on_its_snooze_date(vault: Vault) -> None:
    vault.write(ACME, waiting("2026-11-10T14:00"), raw=True)
    r = Replay(vault)
    r.day("2026-11-17")
    (check,) = r.ids(ACME, "Follow up with")
    line = r.line(ACME, check)
    r.edit(ACME, line, line.replace(f" 🆔 {check}", f" ⏳ 2026-11-23 🆔 {check}"))  # "next week"
    r.day("2026-11-18")
    line = r.line(ACME, check)
    assert "📅 2026-11-23" in line and "⏳ 2026-11-23" in line
    assert r.agenda_tasks()[check] is not None
    assert str(r.agenda_tasks()[check]) == "2026-11-23"
    assert "Overdue" not in vault.read("Agenda.md")


def test_11_a_corrected_interview_time_or_day_keeps_its_lines(vault: Vault) -> None:
    """The follow-ups' ids are made from the facts, the interview's time among them: when the
    user corrects the time or the day, the lines vaultfu wrote are still theirs (one line, one
    draft each), ticked ones stay done and are not asked for again, open ones move."""
    vault.write(ACME, waiting("2026-11-10T14:00"), raw=True)
    r = Replay(vault)
    r.day("2026-11-10")
    (thanks,) = r.ids(ACME, "thank-you")
    r.tick_in_note(ACME, thanks, "2026-11-10")
    r.edit(ACME, "date: 2026-11-10T14:00", "date: 2026-11-10T15:00")
    r.day("2026-11-11")
    text = vault.read(ACME)
    assert r.ids(ACME, "thank-you") == [thanks] and text.count("### Draft — thank-you") == 1
    assert thanks not in vault.read("Agenda.md") and "thank-you" not in vault.read("Agenda.md")
    r.day("2026-11-17")
    (check,) = r.ids(ACME, "Follow up with")
    r.tick_in_note(ACME, check, "2026-11-17")
    r.edit(ACME, "date: 2026-11-10T15:00", "date: 2026-11-09T15:00")
    r.day("2026-11-18")
    assert r.ids(ACME, "thank-you") == [thanks] and r.ids(ACME, "Follow up with") == [check]
    assert r.line(ACME, check).endswith("✅ 2026-11-17")
    assert "### Draft — thank-you" in vault.read(ACME)
    (second,) = [i for i, day in r.agenda_tasks().items() if day == dt.date(2026, 11, 24)]
    assert "second and last time" in r.line("Agenda.md", second)  # 17 Nov + 7 days

    # an interview moved before it took place: its preparation moves with it
    screen = scheduled("2026-11-25T10:00")
    vault.write(GLOBEX, screen.replace("Acme Corp", "Globex"), raw=True)
    r.day("2026-11-24")
    (prepare,) = r.ids(GLOBEX, "Prepare for")
    r.edit(GLOBEX, "date: 2026-11-25T10:00", "date: 2026-11-27T09:30")
    r.day("2026-11-24")
    assert r.ids(GLOBEX, "Prepare for") == [prepare]
    assert "📅 2026-11-27" in r.line(GLOBEX, prepare) and "❌" not in vault.read(GLOBEX)


def test_12_a_deleted_line_comes_back_alone_to_the_draft_still_there(vault: Vault) -> None:
    """A follow-up's line deleted by hand, its draft kept: the line comes back (the agenda and
    the note agree), linked to that draft, and no second draft is written under it."""
    vault.write(ACME, waiting("2026-11-10T14:00"), raw=True)
    r = Replay(vault)
    r.day("2026-11-10")
    (thanks,) = r.ids(ACME, "thank-you")
    line = r.line(ACME, thanks)
    r.edit(ACME, line + "\n", "")
    out = r.day("2026-11-11")
    text = vault.read(ACME)
    assert r.line(ACME, thanks) == line and text.count("### Draft — thank-you") == 1
    assert text.count(f"%% vaultfu draft {thanks} ") == 1 and "draft added" not in out


def test_13_a_renamed_company_keeps_its_lines(vault: Vault) -> None:
    """A company renamed (by hand, or by Obsidian when its note is renamed and the `[[link]]` in
    the frontmatter follows) changes the follow-ups' ids and words, not their drafts' headings:
    the lines are still theirs. The done thank-you is not asked for again; the open status
    check takes the new name, in its line and in its draft."""
    vault.write(ACME, waiting().replace("company: Acme Corp", 'company: "[[Acme Corp]]"'), raw=True)
    r = Replay(vault)
    thanks, check = thanked_then_checked(r, "2026-11-16")
    r.edit(ACME, '"[[Acme Corp]]"', '"[[Acme Corporation]]"')
    r.day("2026-11-16")
    text = vault.read(ACME)
    assert r.ids(ACME, "thank-you") == [thanks] and r.ids(ACME, "Follow up with") == [check]
    assert text.count("### Draft —") == 2 and "❌" not in text
    assert "at Acme Corporation (Senior" in r.line(ACME, check)
    assert "role at Acme Corporation" in text.split("### Draft — status check")[1]
    assert "thank-you" not in vault.read("Agenda.md")


def test_14_a_name_corrected_or_half_typed_keeps_its_line(vault: Vault) -> None:
    """An interviewer's name edited (and caught half typed: the watcher runs on every save
    Obsidian makes while you type) changes the thank-you's id, words and draft heading: its line
    is still taken for it by its kind, follows the name, and the follow-up is never lost."""
    vault.write(ACME, waiting(), raw=True)
    r = Replay(vault)
    r.day("2026-11-10")
    (thanks,) = r.ids(ACME, "thank-you")
    for name in ("Jane D", "Jane Doe"):
        r.edit(ACME, r.vault.read(ACME).split("  - ")[1].split(" <")[0], name)
        r.day("2026-11-10")
        assert r.ids(ACME, "thank-you") == [thanks] and f"to {name} at" in r.line(ACME, thanks)
        assert r.line(ACME, thanks).startswith("- [ ] ") and thanks in r.agenda_tasks()
        assert vault.read(ACME).count("### Draft —") == 1
        assert f"### Draft — thank-you email to {name} (10 Nov)" in vault.read(ACME)
    # the interviewer named only after the thank-you (to "your interviewer") was sent
    vault.write(
        GLOBEX,
        waiting()
        .replace("Acme Corp", "Globex")
        .replace("interviewers:\n  - Jane Doe <jane@acme.com>\n", ""),
        raw=True,
    )
    r.day("2026-11-10")
    (sent,) = r.ids(GLOBEX, "thank-you")
    r.tick_in_note(GLOBEX, sent, "2026-11-10")
    r.edit(GLOBEX, "status: waiting", "interviewers:\n  - Hank Scorpio\nstatus: waiting")
    r.day("2026-11-11")
    assert r.ids(GLOBEX, "thank-you") == [sent]
    assert "thank-you to Hank" not in vault.read("Agenda.md") + vault.read(GLOBEX)


def test_15_a_preparation_follows_its_company_as_it_is_typed(vault: Vault) -> None:
    """A preparation has no draft: its line is taken by its kind, one to a note, so a company
    typed in steps (a run on each save, as the watcher makes them) leaves one line, not one
    line per step."""
    screen = scheduled("2026-11-25T10:00")
    vault.write(GLOBEX, screen.replace("Acme Corp", "Globex"), raw=True)
    r = Replay(vault)
    r.day("2026-11-24")
    (prepare,) = r.ids(GLOBEX, "Prepare for")
    for before, after in (("Globex", "Glo"), ("Glo", "Globex Corporation")):
        r.edit(GLOBEX, f"company: {before}", f"company: {after}")
        r.day("2026-11-24")
        assert r.ids(GLOBEX, "Prepare for") == [prepare]
        assert f"at {after} (" in r.line(GLOBEX, prepare) and "❌" not in vault.read(GLOBEX)


def test_16_the_tasks_plugins_postpone_is_a_snooze(vault: Vault) -> None:
    """The Tasks plugin's ⏩ postpone button moves a task's 📅 (its due date first). On vaultfu's
    line that is the user's word: the follow-up is due on the new day, in the note and in the
    agenda, and the line gets ⏳ for it, after which it is snoozed as any ⏳ is. A 📅 the facts
    move is still brought up to date (test 1)."""
    vault.write(ACME, waiting(), raw=True)
    r = Replay(vault)
    r.day("2026-11-17")
    (check,) = r.ids(ACME, "Follow up with")
    line = r.line(ACME, check)
    assert "📅 2026-11-17" in line
    r.edit(ACME, line, line.replace("📅 2026-11-17", "📅 2026-11-19"))  # ⏩ by two days
    r.day("2026-11-17")
    line = r.line(ACME, check)
    assert "⏳ 2026-11-19 📅 2026-11-19" in line and line.endswith(f"🆔 {check}")
    assert r.agenda_tasks()[check] == dt.date(2026, 11, 19)
    r.edit(ACME, "status: waiting", "status: waiting\ndecision_by: 2026-11-20")
    r.day("2026-11-18")  # the facts moved too: the snooze still holds
    assert "📅 2026-11-19" in r.line(ACME, check)
    assert r.agenda_tasks()[check] == dt.date(2026, 11, 19)


def test_17_a_duplicated_note_plans_its_own_follow_ups(vault: Vault) -> None:
    """A note duplicated, as a template for another company or for the next round, holds
    vaultfu's lines with their ids. Those copies count for nothing there: the new interview
    gets its own thank-you (the copied one, done, is not taken for it), an open copy is
    left as it is while the line it copies is ticked, and the agenda says which lines are
    copies, or, while a copy's date is not changed yet, that the two notes are one interview."""
    vault.write(ACME, waiting(), raw=True)
    r = Replay(vault)
    thank, check = thanked_then_checked(r, "2026-11-17")
    template = vault.read(ACME)
    for old, new in (
        ("Acme Corp", "Globex"),
        ("Jane Doe <jane@acme.com>", "Hank Scorpio <hank@globex.com>"),
        ("2026-11-10T14:00", "2026-11-18T15:00"),
        ("status: waiting", "status: scheduled"),
    ):
        template = template.replace(old, new)
    globex = "Interviews/2026-11-18 Globex.md"  # read before acme.md
    vault.write(globex, template, raw=True)
    r.copies |= {(globex, thank), (globex, check)}
    copied, check_copy = r.line(globex, thank), r.line(globex, check)
    r.day("2026-11-18")
    assert r.line(ACME, check).startswith("- [ ] ")  # the line it copies is still open
    assert r.line(globex, check) == check_copy
    assert r.line(globex, thank) == copied  # done: left as it is
    (own,) = [i for i in r.ids(globex, "Email a thank-you") if i != thank]
    assert r.line(globex, own).startswith("- [ ] Email a thank-you to Hank Scorpio at Globex")
    assert own in r.agenda_tasks()
    said = "2 task lines here are also in Interviews/acme.md, as in a duplicated note"
    first = vault.read(globex).splitlines().index(copied) + 1
    assert f"`{globex}` line {first}: {said}" in vault.read("Agenda.md")
    r.tick_in_note(ACME, check, "2026-11-18")  # the line that counts, not its copy
    r.day("2026-11-18")
    assert check not in r.agenda_tasks() and r.line(globex, check) == check_copy

    # Obsidian's "Make a copy", run on before its date is changed: one interview to vaultfu
    round2, original = "Interviews/acme-2.md", vault.read(ACME)
    vault.write(round2, original, raw=True)
    r.copies |= {(round2, thank), (round2, check)}
    r.day("2026-11-18")
    assert vault.read(ACME) == original and vault.read(round2) == original
    same = "the same interview as Interviews/acme.md to vaultfu (the same company, role, date"
    first = min(t.line for t in tasks_of(original) if t.is_vaultfu)
    assert f"`{round2}` line {first}: {same}" in vault.read("Agenda.md")
    text = original.replace("2026-11-10T14:00", "2026-11-19T10:00")
    vault.write(round2, text.replace("status: waiting", "status: scheduled"), raw=True)
    r.day("2026-11-19")
    (own2,) = [i for i in r.ids(round2, "Email a thank-you") if i != thank]
    assert r.line(round2, own2).startswith("- [ ] ") and own2 in r.agenda_tasks()
    assert r.line(round2, thank) == r.line(ACME, thank)  # the copy left as it is


def test_18_a_snoozed_line_deleted_comes_back_to_its_draft_as_it_is_redrafted(vault: Vault) -> None:
    """A snooze moves the draft too (its heading says the day); the line deleted by hand then
    comes back with the facts' day, and its draft, unedited, is brought back to that day in the
    same edit: the line links to the heading the draft has after it (before, the link named
    the old heading, the edit was not the same on a second pass and the note was refused)."""
    vault.write(ACME, waiting(), raw=True)
    r = Replay(vault)
    r.day("2026-11-10")
    (thank,) = r.ids(ACME, "Email a thank-you")
    r.edit(ACME, f"🆔 {thank}", f"🆔 {thank} ⏳ 2026-11-12")
    r.day("2026-11-10")
    assert "### Draft — thank-you email to Jane Doe (12 Nov)" in vault.read(ACME)
    r.edit(ACME, r.line(ACME, thank) + "\n", "")
    out = r.day("2026-11-10")
    assert "cannot place" not in out
    line = r.line(ACME, thank)
    assert "[[#Draft — thank-you email to Jane Doe (10 Nov)|draft]] 📅 2026-11-10" in line
    text = vault.read(ACME)
    assert text.count("### Draft — thank-you email") == 1 and "Jane Doe (10 Nov)\n" in text


def test_19_a_tick_while_two_notes_are_one_interview_adds_no_line(vault: Vault) -> None:
    """Two notes of one interview (the same company, role, date and time: a note made twice
    from one template, say): each follow-up is planned once, for the later note, and its line
    may be in the other. A tick in the agenda lands on the line there is; before, the later
    note got a second line with the same id, ticked."""
    first, second = "Interviews/acme-1.md", "Interviews/acme-2.md"
    vault.write(first, waiting(), raw=True)
    r = Replay(vault)
    r.day("2026-11-10")
    (thank,) = r.ids(first, "Email a thank-you")
    vault.write(second, waiting(), raw=True)
    r.day("2026-11-10")
    r.tick_in_agenda(thank, "2026-11-10")
    r.day("2026-11-10")
    assert r.line(first, thank).startswith("- [x] ") and thank not in vault.read(second)
    assert thank not in r.agenda_tasks()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("status: s", "status 's' is not one of"),
        # its YAML does not parse at all (a quote left open): the company and role lines still
        # read on their own (before, with no YAML there was no application to leave alone)
        ('status: "waiting', "frontmatter is not valid YAML"),
    ],
)
def test_20_a_note_that_does_not_read_freezes_its_application(
    vault: Vault, typed: str, said: str
) -> None:
    """Round 2's status mistyped: the note is refused, but its company and role still read.
    Nothing is written into that application's notes until it reads again, so round 1 is not
    chased in round 2's stead (before, a status check and its draft went into round 1's note,
    to be cancelled once the typo was fixed), also when the run reads it from the cache. The
    agenda lists what is planned without the note, beside the problem."""
    second = "Interviews/acme-2.md"
    vault.write(ACME, waiting().replace("status: waiting", "status: next-round"), raw=True)
    vault.write(second, scheduled("2026-11-20T10:00").replace("Jane Doe", "Sam Roe"), raw=True)
    r = Replay(vault)
    r.day("2026-11-19")
    before, text = vault.read(ACME), vault.read(second)
    r.edit(second, "status: scheduled", typed)
    for _ in range(2):  # the second run reads the refused note from the cache
        out = r.run("agenda", "--today", "2026-11-19")
        assert said in out and vault.read(second) == text.replace("status: scheduled", typed)
        assert vault.read(ACME) == before and "Follow up with Jane" in vault.read("Agenda.md")
    r.edit(second, typed, "status: waiting")
    r.day("2026-11-19")
    assert vault.read(ACME) == before and "Follow up with Jane" not in vault.read("Agenda.md")


def test_21_a_postpone_waits_while_its_notes_are_left_alone(vault: Vault) -> None:
    """A 📅 moved (the Tasks plugin's postpone) in an application one of whose notes does not
    read: nothing is written there, so no ⏳ can hold the move, and it is not taken yet (before,
    the agenda took it and gave it up on every other run, a write each time); once the note
    reads, it is taken."""
    second = "Interviews/acme-2.md"
    vault.write(ACME, waiting(), raw=True)
    r = Replay(vault)
    r.day("2026-11-10")
    (thank,) = r.ids(ACME, "Email a thank-you")
    broken = scheduled("2026-11-20T10:00").replace("status: scheduled", "status: s")
    vault.write(second, broken, raw=True)
    line = r.line(ACME, thank)
    r.edit(ACME, line, line.replace("📅 2026-11-10", "📅 2026-11-12"))
    r.run("agenda", "--today", "2026-11-10")
    settled = vault.snapshot()
    for _ in range(2):
        r.run("agenda", "--today", "2026-11-10")
        assert vault.snapshot() == settled
    r.edit(second, "status: s", "status: scheduled")
    r.day("2026-11-10")
    assert "⏳ 2026-11-12" in r.line(ACME, thank)
