"""Each row and guard of the playbook (DESIGN §3), on notes written as a user writes them."""

from __future__ import annotations

import datetime as dt

from vaultfu.config import Playbook
from vaultfu.days import add_business_days, to_friday, to_monday
from vaultfu.ids import action_id
from vaultfu.model import Channel, Kind, Plan
from vaultfu.playbook import plan

from .conftest import ACME, TODAY, interview, planned

ONE = dt.timedelta(days=1)

D = dt.date


def waiting(
    extra: str = "",
    *,
    date: str = "2026-11-10T10:00",
    company: str = "Acme Corp",
    role: str = "Engineer",
    status: str = "waiting",
    body: str = "",
) -> str:
    return (
        "---\ntype: interview\n"
        f"company: {company}\nrole: {role}\ndate: {date}\nstatus: {status}\n"
        "interviewers:\n  - Jane Doe <jane@acme.com>\n"
        f"{extra}---\n{body}"
    )


def kinds(p: Plan, kind: Kind) -> list[dt.date]:
    return [a.due for a in p.actions if a.kind is kind]


def one(p: Plan, kind: Kind):  # type: ignore[no-untyped-def]
    found = [a for a in p.actions if a.kind is kind]
    assert len(found) == 1, [(a.kind, a.due) for a in p.actions]
    return found[0]


def done(p: Plan, kind: Kind, on: str) -> str:
    """The task line vaultfu would have written for this action, ticked on a day."""
    a = one(p, kind)
    return f"- [x] {a.text} 📅 {a.due} 🆔 {a.id} ✅ {on}\n"


# -- dates ----------------------------------------------------------------------------------


def test_weekend_helpers() -> None:
    assert to_monday(D(2026, 11, 21)) == D(2026, 11, 23)  # Saturday
    assert to_monday(D(2026, 11, 22)) == D(2026, 11, 23)  # Sunday
    assert to_monday(D(2026, 11, 24)) == D(2026, 11, 24)
    assert to_friday(D(2026, 11, 22)) == D(2026, 11, 20)
    assert add_business_days(D(2026, 12, 4), 2) == D(2026, 12, 8)  # Fri + 2 business days


# -- rows -----------------------------------------------------------------------------------


def test_prepare_on_the_interview_day_while_scheduled() -> None:
    p = planned(waiting(status="scheduled", date="2026-11-26T15:00"))
    a = one(p, Kind.PREPARE)
    assert a.due == D(2026, 11, 26) and a.channel is Channel.IN_PERSON
    assert "timeline" in a.text and "card" in a.text
    # once the day has passed, there is nothing left to prepare
    assert kinds(planned(waiting(status="scheduled", date="2026-11-20T15:00")), Kind.PREPARE) == []


def test_thank_you_email_one_per_interviewer_due_the_same_day() -> None:
    extra = "interviewers:\n  - Jane Doe <jane@acme.com>\n  - Sam Roe <sam@acme.com>\n"
    text = waiting(date="2026-11-24T10:00").replace(
        "interviewers:\n  - Jane Doe <jane@acme.com>\n", extra
    )
    p = planned(text)
    emails = [a for a in p.actions if a.kind is Kind.THANK_YOU_EMAIL]
    assert [(a.person.name, a.due) for a in emails if a.person] == [
        ("Jane Doe", TODAY),
        ("Sam Roe", TODAY),
    ]
    assert len({a.id for a in emails}) == 2
    assert all(a.channel is Channel.EMAIL for a in emails)


def test_thank_you_late_after_a_day() -> None:
    p = planned(waiting(date="2026-11-23T10:00"))
    a = one(p, Kind.THANK_YOU_EMAIL)
    assert a.days_late(TODAY) == 1


def test_handwritten_note_the_day_after_and_can_be_turned_off() -> None:
    p = planned(waiting(date="2026-11-24T10:00"))
    a = one(p, Kind.THANK_YOU_NOTE)
    assert a.due == D(2026, 11, 25) and a.channel is Channel.LETTER
    off_in_config = planned(
        waiting(date="2026-11-24"), config="[playbook]\nthank_you_note = false\n"
    )
    assert kinds(off_in_config, Kind.THANK_YOU_NOTE) == []
    off_in_note = planned(waiting("thank_you_note: false\n", date="2026-11-24"))
    assert kinds(off_in_note, Kind.THANK_YOU_NOTE) == []


def test_notify_each_reference_on_the_interview_day() -> None:
    p = planned(waiting('references: ["[[Bob Smith]]", "Ann <ann@x.com>"]\n', date="2026-11-24"))
    refs = [a for a in p.actions if a.kind is Kind.NOTIFY_REFERENCES]
    assert [(a.person.name, a.due) for a in refs if a.person] == [
        ("Ann", TODAY),
        ("Bob Smith", TODAY),
    ]


def test_status_check_follow_up_on_wins() -> None:
    p = planned(waiting("follow_up_on: 2026-11-19\ndecision_by: 2026-11-30\n"))
    assert kinds(p, Kind.STATUS_CHECK) == [D(2026, 11, 19)]


def test_status_check_decision_by_plus_two_business_days() -> None:
    p = planned(waiting("decision_by: 2026-11-20\n"))  # a Friday
    assert kinds(p, Kind.STATUS_CHECK) == [D(2026, 11, 24)]


def test_status_check_a_week_after_when_no_date_named() -> None:
    p = planned(waiting(date="2026-11-12T10:00"))  # Thursday → Thursday
    assert kinds(p, Kind.STATUS_CHECK) == [D(2026, 11, 19)]


def test_never_chase_before_the_named_date() -> None:
    p = planned(waiting("decision_by: 2026-12-04\n", date="2026-11-20T10:00"))
    (due,) = kinds(p, Kind.STATUS_CHECK)
    assert due > D(2026, 12, 4)
    assert not [a for a in p.open() if a.kind is Kind.STATUS_CHECK and a.due <= TODAY]


def test_no_status_check_before_the_interview() -> None:
    p = planned(waiting(status="scheduled", date="2026-11-30T10:00"))
    assert kinds(p, Kind.STATUS_CHECK) == []


def test_second_check_dates_from_the_real_done_date_then_move_on() -> None:
    base = waiting(date="2026-10-20T10:00")
    first = planned(base)
    assert kinds(first, Kind.STATUS_CHECK) == [D(2026, 10, 27)]
    assert kinds(first, Kind.STATUS_CHECK_2) == []
    ticked = base + "\n## Follow-ups\n" + done(first, Kind.STATUS_CHECK, "2026-11-02")
    second = planned(ticked)
    assert kinds(second, Kind.STATUS_CHECK_2) == [D(2026, 11, 9)]  # done + 7, not due + 7
    assert one(second, Kind.STATUS_CHECK).done == D(2026, 11, 2)
    ticked2 = ticked + done(second, Kind.STATUS_CHECK_2, "2026-11-10")
    third = planned(ticked2)
    assert kinds(third, Kind.MOVE_ON) == [D(2026, 11, 24)]
    assert "note what you learned" in one(third, Kind.MOVE_ON).text
    assert kinds(third, Kind.STATUS_CHECK) == [D(2026, 10, 27)]  # still there, done
    assert [a.kind for a in third.open() if a.kind.value.startswith("status")] == []


def test_a_check_ticked_by_hand_without_a_date_counts_from_its_due_date() -> None:
    base = waiting(date="2026-10-20T10:00")
    a = one(planned(base), Kind.STATUS_CHECK)
    ticked = base + f"\n- [x] {a.text} 🆔 {a.id}\n"
    assert kinds(planned(ticked), Kind.STATUS_CHECK_2) == [D(2026, 11, 3)]


def test_no_two_status_checks_to_one_company_within_five_days() -> None:
    one_role = waiting(date="2026-11-12T10:00", role="Backend")
    other_role = waiting(date="2026-11-13T10:00", role="Frontend")
    p = planned(one_role, other_role)
    checks = sorted(a.due for a in p.actions if a.kind is Kind.STATUS_CHECK)
    assert checks[0] == D(2026, 11, 19)
    assert (checks[1] - checks[0]).days >= 5
    # other companies are not held back
    p2 = planned(one_role, waiting(date="2026-11-13T10:00", company="Globex"))
    assert sorted(kinds(p2, Kind.STATUS_CHECK)) == [D(2026, 11, 19), D(2026, 11, 20)]


def test_competing_offer_tells_a_higher_ranked_waiting_application() -> None:
    first = waiting("priority: 1\n", company="Acme Corp")
    offer = waiting("priority: 2\nstatus_date: 2026-11-23\n", company="Globex", status="offer")
    p = planned(first, offer)
    a = one(p, Kind.COMPETING_OFFER)
    assert a.company == "Acme Corp" and a.due == D(2026, 11, 23) and "Globex" in a.text
    # a lower-ranked application is not told
    low = waiting("priority: 3\n", company="Acme Corp")
    assert kinds(planned(low, offer), Kind.COMPETING_OFFER) == []
    # "at once": not held back by the date they named
    named = waiting("priority: 1\ndecision_by: 2026-12-20\n", company="Acme Corp")
    assert kinds(planned(named, offer), Kind.COMPETING_OFFER) == [D(2026, 11, 23)]


def test_competing_offers_are_told_once_the_first_one() -> None:
    first = waiting("priority: 1\n", company="Acme Corp")
    early = waiting("priority: 2\nstatus_date: 2026-11-20\n", company="Globex", status="offer")
    late = waiting("priority: 3\nstatus_date: 2026-11-23\n", company="Initech", status="offer")
    a = one(planned(first, late, early), Kind.COMPETING_OFFER)
    assert "Globex" in a.text and a.due == D(2026, 11, 20)


def test_offer_response_before_the_deadline() -> None:
    p = planned(waiting("offer_deadline: 2026-12-02\n", status="offer"))
    assert kinds(p, Kind.OFFER_RESPONSE) == [D(2026, 12, 1)]
    # the day before falls on a Sunday: answer on Friday, never after the deadline
    p = planned(waiting("offer_deadline: 2026-11-30\n", status="offer"))
    assert kinds(p, Kind.OFFER_RESPONSE) == [D(2026, 11, 27)]
    p = planned(waiting("status_date: 2026-11-23\n", status="offer"))
    assert kinds(p, Kind.OFFER_RESPONSE) == [D(2026, 11, 26)]


def test_rejection_thank_you_the_day_after() -> None:
    p = planned(waiting("status_date: 2026-11-23\n", status="rejected"))
    a = one(p, Kind.REJECTION_THANK_YOU)
    assert a.due == TODAY and a.person and a.person.name == "Jane Doe"


def test_connect_after_a_decision_when_asked() -> None:
    p = planned(waiting("status_date: 2026-11-23\nconnect: true\n", status="rejected"))
    a = one(p, Kind.CONNECT)
    assert a.due == D(2026, 11, 25) and a.channel is Channel.LINKEDIN
    assert (
        kinds(planned(waiting("status_date: 2026-11-23\n", status="rejected")), Kind.CONNECT) == []
    )
    assert kinds(planned(waiting("connect: true\n")), Kind.CONNECT) == []


def test_keep_in_touch_every_three_months_from_the_last_one_done() -> None:
    base = waiting("status_date: 2026-08-20\nkeep_in_touch: true\n", status="rejected")
    first = planned(base)
    assert kinds(first, Kind.KEEP_IN_TOUCH) == [D(2026, 11, 20)]
    ticked = base + "\n" + done(first, Kind.KEEP_IN_TOUCH, "2026-11-23")
    second = planned(ticked)
    assert [a.due for a in second.open() if a.kind is Kind.KEEP_IN_TOUCH] == [D(2027, 2, 23)]
    assert kinds(planned(base.replace("keep_in_touch: true\n", "")), Kind.KEEP_IN_TOUCH) == []


# -- guards ---------------------------------------------------------------------------------


def test_weekend_due_dates_move_to_monday() -> None:
    p = planned(waiting(date="2026-11-21T10:00"))  # a Saturday interview
    assert kinds(p, Kind.THANK_YOU_EMAIL) == [D(2026, 11, 23)]
    assert kinds(p, Kind.STATUS_CHECK) == [D(2026, 11, 30)]  # Sat + 7 → Mon
    off = planned(
        waiting(date="2026-11-21T10:00"), config="[playbook]\nweekend_to_monday = false\n"
    )
    assert kinds(off, Kind.THANK_YOU_EMAIL) == [D(2026, 11, 21)]


def test_channel_follows_contact_and_never_calls_after_no_calls() -> None:
    phone = planned(waiting("contact: phone\n"))
    assert one(phone, Kind.STATUS_CHECK).channel is Channel.PHONE
    no_calls = planned(waiting("contact: phone\nno_calls: true\n"))
    assert all(a.channel is not Channel.PHONE for a in no_calls.actions)
    either = planned(waiting("contact: either\n"))
    assert one(either, Kind.STATUS_CHECK).channel is Channel.EMAIL


def test_final_round_asks_for_anything_else_and_checks_remind_of_news() -> None:
    final = one(planned(waiting("final_round: true\n")), Kind.STATUS_CHECK)
    assert "need anything else from you" in final.text
    assert "company news" in final.text
    plain = one(planned(waiting()), Kind.STATUS_CHECK)
    assert "anything else" not in plain.text and "company news" in plain.text


def test_later_status_wins_rejected_means_no_status_checks() -> None:
    p = planned(waiting("status_date: 2026-11-23\n", status="rejected"))
    assert kinds(p, Kind.STATUS_CHECK) == []
    assert kinds(p, Kind.THANK_YOU_EMAIL) == []


def test_applications_grouped_across_rounds_latest_speaks() -> None:
    screen = waiting(date="2026-11-02T10:00", status="next-round")
    onsite = waiting(date="2026-11-23T10:00")
    p = planned(screen, onsite)
    emails = [a for a in p.actions if a.kind is Kind.THANK_YOU_EMAIL]
    assert [a.due for a in emails] == [D(2026, 11, 23)]  # the screen's thank-you is superseded
    assert len({a.application for a in p.actions}) == 1
    checks = [a for a in p.actions if a.kind is Kind.STATUS_CHECK]
    assert [a.note for a in checks] == ["Interviews/n1.md"]
    # the `application:` key groups notes whose role is written differently
    a = waiting(
        "application: acme-backend\n",
        role="Backend Eng",
        date="2026-11-02T10:00",
        status="next-round",
    )
    b = waiting("application: acme-backend\n", role="Senior Backend", date="2026-11-23T10:00")
    assert len({x.application for x in planned(a, b).actions}) == 1


def test_user_tasks_are_actions() -> None:
    body = "- [ ] Send the writing sample 📅 2026-11-22\n- [x] Done already\n- [ ] No date\n"
    p = planned(waiting(body=body))
    tasks = [a for a in p.actions if a.kind is Kind.TASK]
    assert [(a.text, a.due) for a in tasks] == [
        ("Send the writing sample", D(2026, 11, 22)),
        ("No date", TODAY),
    ]


def test_ids_are_stable_and_survive_a_rename() -> None:
    text = waiting()
    a = [x.id for x in plan([interview(text, "A.md")], today=TODAY, rules=Playbook()).actions]
    b = [
        x.id for x in plan([interview(text, "Renamed/B.md")], today=TODAY, rules=Playbook()).actions
    ]
    c = [
        x.id
        for x in plan([interview(text, "A.md")], today=D(2026, 11, 30), rules=Playbook()).actions
    ]
    assert a == b == c
    assert len(set(a)) == len(a)
    assert all(i.startswith("vf-") for i in a)
    assert action_id("x") == action_id("x") != action_id("y")


def test_a_task_the_user_cancelled_stays_gone() -> None:
    base = waiting(date="2026-10-20T10:00")
    a = one(planned(base), Kind.STATUS_CHECK)
    cancelled = base + f"\n- [-] {a.text} 🆔 {a.id} ❌ 2026-11-01\n"
    p = planned(cancelled)
    assert kinds(p, Kind.STATUS_CHECK) == [] and kinds(p, Kind.STATUS_CHECK_2) == []


def test_waiting_on_them_lists_applications_with_nothing_due() -> None:
    p = planned(
        waiting("decision_by: 2026-12-10\nthank_you_note: false\n", date="2026-11-24T09:00") + "\n"
    )
    assert p.waiting == ()  # the thank-you is due today: something is due from you
    quiet = waiting("decision_by: 2026-12-10\n", date="2026-11-19T09:00", status="next-round")
    p = planned(quiet)
    # thank-yous for the 19th are overdue (and not yet expired): not yet waiting
    assert p.waiting == ()
    done_all = (
        quiet
        + "\n"
        + "".join(done(p, k, "2026-11-19") for k in (Kind.THANK_YOU_EMAIL, Kind.THANK_YOU_NOTE))
    )
    p = planned(done_all)
    (w,) = p.waiting
    assert w.company == "Acme Corp" and w.by == D(2026, 12, 10) and w.owes == "the next round"


def test_business_days_skip_the_public_holidays_of_holidays_country() -> None:
    note = waiting("decision_by: 2026-11-25\n")  # Wednesday; Thursday 26 is Thanksgiving (US)
    plain = planned(note)
    us = planned(note, config='[playbook]\nholidays_country = "US"\n')
    assert one(plain, Kind.STATUS_CHECK).due == D(2026, 11, 27)  # Thu, Fri
    assert one(us, Kind.STATUS_CHECK).due == D(2026, 11, 30)  # Fri, then Monday


def test_a_due_date_on_a_holiday_moves_to_the_next_business_day() -> None:
    # interviewed Thursday 19 Nov: the check is due a week later, on Thanksgiving (US)
    note = waiting(date="2026-11-19T10:00")
    assert one(planned(note), Kind.STATUS_CHECK).due == D(2026, 11, 26)
    us = planned(note, config='[playbook]\nholidays_country = "US"\n')
    assert one(us, Kind.STATUS_CHECK).due == D(2026, 11, 27)


def test_an_unknown_holidays_country_is_a_settings_error() -> None:
    import pytest

    from vaultfu.config import parse_config
    from vaultfu.errors import ConfigError

    with pytest.raises(ConfigError, match="holidays_country' 'XX' is not a country"):
        parse_config('[playbook]\nholidays_country = "XX"\n')


def test_the_offer_index_finds_the_first_offer_that_ranks_lower() -> None:
    """Against the definition, on every mix of priorities (the index keeps planning linear)."""
    import itertools

    from vaultfu.model import Application
    from vaultfu.offers import Offers

    values = [None, 1, 2, 3]
    for combo in itertools.product(values, repeat=4):
        apps = [
            Application(f"a{i}", (interview(waiting(f"priority: {p}\n" if p else "")),))
            for i, p in enumerate(combo)
        ]
        index = Offers(apps)
        for mine in values:
            expected = next(
                (
                    a
                    for a in apps
                    if mine is not None and (a.latest.priority is None or mine < a.latest.priority)
                ),
                None,
            )
            assert index.first_below(mine) is expected, (combo, mine)


def test_the_watchers_memo_plans_as_a_fresh_plan_does(sample: object) -> None:
    """Applications whose notes did not change are not planned again in the watcher; what
    comes out is the same plan, whatever changed: a status, a tick, a date, the day."""
    from vaultfu import vault
    from vaultfu.index import Index
    from vaultfu.memo import PlanMemo

    root = sample.root  # type: ignore[attr-defined]
    config = vault.read_config(root)
    index = Index(root, config, hashing=True)
    index.refresh()
    memo = PlanMemo()
    rules = config.playbook
    acme = "Interviews/2026-11-24 Acme Corp - onsite.md"
    globex = "Interviews/2026-11-05 Globex - Backend Engineer.md"
    initech = "Interviews/2026-11-26 Initech - Platform Engineer.md"  # no task lines at all
    edits = [
        (initech, "status: scheduled", "status: rejected\nstatus_date: 2026-11-20"),
        (acme, "status: waiting", "status: rejected\nstatus_date: 2026-11-26"),
        (globex, "status: offer", "status: accepted"),
        (globex, "status: accepted", "status: offer"),
        (acme, "status: rejected\nstatus_date: 2026-11-26", "status: waiting"),
        (
            acme,
            "- [ ] Send Sam the rate limiter write-up",
            "- [x] Send Sam the rate limiter write-up",
        ),
    ]
    days = [D(2026, 11, 24), D(2026, 11, 24), D(2026, 11, 27)]
    days += [D(2026, 12, 9), D(2026, 12, 9), D(2027, 1, 4)]
    for (rel, old, new), day in zip(edits, days, strict=True):
        for _ in range(2):  # the second time, everything comes from the memo
            notes = index.loaded().interviews
            assert plan(notes, today=day, rules=rules, memo=memo) == plan(
                notes, today=day, rules=rules
            )
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        index.refresh([rel])
    assert memo.apps  # it was used


def test_the_watchers_facts_hashes_are_kept_per_action_and_note_object() -> None:
    """A draft's facts hash is worked out again in the watcher only for another action or note
    object (a note read again, an action planned again), or another name to sign with; a
    planning keeps only the hashes it asked for."""
    from msgspec.structs import replace

    from vaultfu.drafts import facts_hash
    from vaultfu.memo import PlanMemo

    note = interview(ACME, "Interviews/n0.md")
    action = planned(ACME).actions[0]
    memo = PlanMemo()
    assert memo.facts_hash(action, note, "Me") == facts_hash(action, note, "Me")
    memo.turn()
    key = (id(action), id(note))
    memo.hashes[key] = (action, note, "Me", "kept")
    assert memo.facts_hash(action, note, "Me") == "kept"  # the same objects: not again
    read_again = replace(note, role="Staff SRE")
    assert memo.facts_hash(action, read_again, "Me") == facts_hash(action, read_again, "Me")
    assert memo.facts_hash(action, note, "You") == facts_hash(action, note, "You")
    equal = replace(action)
    assert memo.facts_hash(equal, note, "Me") == facts_hash(action, note, "Me") != "kept"
    memo.turn()
    assert len(memo.hashes) == 3  # (one per action and note: the last name asked for)
    memo.turn()
    assert memo.hashes == {}


def test_words_and_order_kept_by_action_are_those_of_the_action_asked_for() -> None:
    """The watcher's task words and agenda order, kept per action object: an action planned
    anew (another object, other facts) gets its own, however many came before."""
    from msgspec.structs import replace

    from vaultfu.drafts import linked_draft
    from vaultfu.memo import kept_order, line_words, order
    from vaultfu.wording import task_words

    actions = list(planned(ACME).actions)
    text = "Email a thank-you to Jane Doe · [[n0#Draft — thank-you to Jane Doe (20 Nov)|draft]]"
    for _ in range(3):
        for action in actions:
            assert line_words(action, text) == task_words(action, linked_draft(text))
            person = action.person.name.casefold() if action.person else ""
            key = (action.due, action.company.casefold(), action.kind.value, person, action.id)
            assert order(action) == kept_order(action) == key
        actions = [
            replace(a, text=a.text + " again", company=a.company + "x", due=a.due + ONE)
            for a in actions
        ]
