"""The playbook (DESIGN §3): interview facts + today → the actions that apply (pure).

Every action that applies is returned, done or open, with a stable id derived from what it is
about (see `ids`). Whether an action is done is read from the task lines vaultfu wrote
(`🆔 vf-…`) in the notes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence

from msgspec.structs import replace

from .config import Playbook
from .days import (
    ONE_DAY,
    add_business_days,
    add_months,
    public_holidays,
    to_friday,
    to_monday,
)
from .ids import Lines, adoptions, answering, copies, follow_up_id, user_task_id
from .memo import PlanMemo, Planned, kept_order, order, same
from .model import (
    Action,
    Application,
    Channel,
    Interview,
    Kind,
    Person,
    Plan,
    Problem,
    Status,
    Task,
    TaskStatus,
    group_applications,
)
from .offers import Offers, near, offer_day, other_offer
from .waiting import waiting
from .wording import action_text, channel_for, without_filter

Shown = Callable[[str], dt.date | None]  # an id → the due day the agenda showed for it


class _Planner:
    def __init__(
        self,
        interviews: Sequence[Interview],
        today: dt.date,
        rules: Playbook,
        memo: PlanMemo | None = None,
        shown: Shown | None = None,
        tasks_filter: str = "",
    ) -> None:
        self.memo = memo
        self.shown = shown
        self.tasks_filter = tasks_filter
        self.looked: dict[str, Task | None] = {}
        self.today = today
        self.rules = rules
        self.holidays = public_holidays(rules.holidays_country)
        self.apps = group_applications(interviews)
        self.interviews = interviews
        self.lines = Lines(interviews)
        self.tasks = self.lines.first
        self.actions: list[Action] = []
        self.problems: list[Problem] = []
        self.closed: set[str] = set()
        self.aliases: dict[str, str] = {}  # a follow-up's id → the line taken for it
        # the actions planned on a line taken for them, by id() (and held, so no other action
        # is given that id() while planning)
        self.taken: dict[int, Action] = {}

    # -- what the notes say was done ------------------------------------------------------

    def task(self, ident: str, note: str) -> Task | None:
        """vaultfu's task line with this id, if a note has one: the one in `note` when a
        duplicated note holds a copy of it (each look is remembered, for the memo to know what
        this application's planning depended on)."""
        self.looked[ident] = found = self.lines.get(ident, note)
        return found

    def last_done(self, app: Application, after: dt.date) -> dt.date | None:
        """The day of the last follow-up the user did for an application after `after`, but
        for those that answer its status (the offer answered, the thank-you for a rejection,
        …), which come after the status by nature and so say nothing of its date."""
        done = {
            t.id: t.done
            for note in app.notes
            for t in note.tasks
            if t.is_vaultfu and t.status is TaskStatus.DONE and t.done and t.done > after
        }
        if done:
            for ident in answering(app, self.tasks, self.aliases):
                done.pop(ident, None)
        return max(done.values()) if done else None

    def ident(
        self,
        kind: Kind,
        note: Interview,
        app: Application,
        person: Person | None = None,
        key: str = "",
    ) -> str:
        ident = follow_up_id(kind, note, app, person, key)
        return self.aliases.get(ident, ident)  # the line taken for it, if any

    def moved(self, ident: str, task: Task, due: dt.date) -> dt.date | None:
        """The day the user moved the 📅 of vaultfu's open line to since the last run (as the
        Tasks plugin's postpone button does): the facts still give the day the agenda showed,
        the line says another. (A 📅 that differs because the facts moved is brought up to
        date.) None when it did not move."""
        if task.status is not TaskStatus.OPEN or task.due is None or task.due == due:
            return None
        return task.due if self.shown is not None and self.shown(ident) == due else None

    def shift(self, day: dt.date) -> dt.date:
        return to_monday(day, self.holidays) if self.rules.weekend_to_monday else day

    def add(
        self,
        kind: Kind,
        note: Interview,
        app: Application,
        due: dt.date,
        person: Person | None = None,
        key: str = "",
        extra: str = "",
        *,
        expires: dt.date | None = None,
        answered: dt.date | None = None,
        values: tuple[tuple[str, str], ...] = (),
    ) -> Action | None:
        """Record one action; returns it, or None when the user cancelled it, or when it
        expired unsent (`expires`). `answered`: the facts say it was done that day (an offer
        declined or accepted answers it), if vaultfu wrote its task."""
        ident = self.ident(kind, note, app, person, key)
        task = self.task(ident, note.path)
        if task is not None and task.status is TaskStatus.CANCELLED:
            return None
        done = None
        if task is not None and task.status is TaskStatus.DONE:
            done = task.done or due  # ticked by hand with no ✅ date: count it done when due
        if done is None and answered is not None:
            if task is None:
                return None  # nothing was asked of the user: nothing to record
            done = answered
        if done is None and expires is not None and self.today > expires:
            return None  # too late to be worth sending: its open task is cancelled, once
        put_off = None
        if done is None and task is not None and task.scheduled is not None:
            due = task.scheduled  # snoozed by the user (⏳ on the task line)
        elif done is None and task is not None and (put_off := self.moved(ident, task, due)):
            due = put_off  # postponed by the user: a snooze, from now on
        action = Action(
            id=ident,
            kind=kind,
            note=note.path,
            application=app.label,
            company=note.company,
            role=note.role,
            due=due,
            channel=channel_for(note, kind, person),
            text=action_text(kind, note, person, extra),
            person=person,
            done=done,
            values=values,
            put_off=put_off,
        )
        self.actions.append(action)
        if ident in self.aliases.values():
            self.taken[id(action)] = action  # on a line taken for it (see `adopting`)
        return action

    # -- the rows of the playbook ---------------------------------------------------------

    def run(self) -> Plan:
        offers = Offers(
            sorted(
                (a for a in self.apps if a.latest.status is Status.OFFER),
                key=lambda o: (offer_day(o.latest, self.today), o.key),
            )
        )
        accepted = [a for a in self.apps if a.latest.status is Status.ACCEPTED]
        others = tuple(a.latest for a in (*offers.offers, *accepted))
        if self.memo is not None:
            if same(self.memo.elsewhere, others):
                others = self.memo.elsewhere
            self.memo.elsewhere = others
        for app in self.apps:
            known = self.memo.apps.get(app.key) if self.memo is not None else None
            if known is not None and known.still(app, others, self.today, self.rules, self.tasks):
                self.actions.extend(known.actions)
                self.problems.extend(known.problems)
                if known.closed:
                    self.closed.add(app.label)
                continue
            start, problems = len(self.actions), len(self.problems)
            self.looked = {}
            self.adopting(app, offers, accepted)
            if self.memo is not None:
                self.memo.apps[app.key] = Planned(
                    app.notes,
                    others,
                    self.today,
                    self.rules,
                    tuple(self.looked.items()),
                    tuple(self.actions[start:]),
                    tuple(self.problems[problems:]),
                    app.label in self.closed,
                )
        self.once()
        self.space_status_checks()
        self.actions.sort(key=order if self.memo is None else kept_order)
        copied, said = copies(self.interviews, self.lines.copied, self.actions)
        return Plan(
            tuple(self.actions),
            waiting(self.apps, self.actions, self.closed, self.today),
            (*self.problems, *said),
            frozenset(self.closed),
            copied,
            self.apps,
        )

    def once(self) -> None:
        """Each id once. Two notes of one interview (a note duplicated, its date not yet
        changed) plan the same follow-ups: the first note's count. A line taken for a follow-up
        of one application (its company renamed) can be the very line of another's, which
        keeps it."""
        if len({a.id for a in self.actions}) == len(self.actions):
            return
        kept: dict[str, Action] = {}
        for action in self.actions:
            if action.id not in kept or id(kept[action.id]) in self.taken:
                kept[action.id] = action
        self.actions = [a for a in self.actions if kept[a.id] is a]

    def adopting(self, app: Application, offers: Offers, accepted: list[Application]) -> None:
        """Plan an application; when an edit of the facts (the interview's time or day, say)
        gave a follow-up another id than the task line vaultfu wrote for it, that line is
        taken for it (see `ids.adoptions`) and the application planned again on it: its tick, its
        snooze and its draft still count, and the follow-up is not asked for a second time."""
        start, problems, closed = len(self.actions), len(self.problems), app.label in self.closed
        self.aliases = {}
        for _ in range(8):  # a line taken can bring the next follow-up, with its own line
            self.application(app, offers, accepted)
            found = adoptions(app, self.actions, start, self.looked, self.lines, self.tasks_filter)
            if not found:
                break
            self.aliases = {**self.aliases, **found}
            del self.actions[start:], self.problems[problems:]
            if not closed:
                self.closed.discard(app.label)
        self.aliases = {}

    def application(self, app: Application, offers: Offers, accepted: list[Application]) -> None:
        """Every action of one application."""
        elsewhere = [a for a in accepted if a is not app]
        if elsewhere and app.latest.status.pending:
            self.withdraw(app, elsewhere[0])
            return
        for note in app.notes:
            self.per_interview(app, note)
        self.per_application(app, offers)
        self.user_tasks(app)

    def superseded(self, app: Application, note: Interview) -> bool:
        """Per-interview actions stop applying once a decision came or a later round took place."""
        if not app.latest.status.pending:
            return True
        later = app.notes[app.notes.index(note) + 1 :]
        return any(n.day is not None and n.day <= self.today for n in later)

    def per_interview(self, app: Application, note: Interview) -> None:
        if note.day is None or self.superseded(app, note):
            return
        day = note.day
        if note is app.latest and note.status is Status.SCHEDULED and day >= self.today:
            self.add(Kind.PREPARE, note, app, day)  # the interview day itself, never moved
        keep = dt.timedelta(days=self.rules.thank_you_expires_days)
        for person in note.interviewers or (None,):
            due = self.shift(day)
            self.add(Kind.THANK_YOU_EMAIL, note, app, due, person, expires=due + keep)
        wants_note = (
            self.rules.thank_you_note if note.thank_you_note is None else note.thank_you_note
        )
        if wants_note:
            first = note.interviewers[0] if note.interviewers else None
            due = self.shift(day + dt.timedelta(days=self.rules.thank_you_note_days))
            self.add(Kind.THANK_YOU_NOTE, note, app, due, first, expires=due + keep)
        for person in note.references:
            self.add(Kind.NOTIFY_REFERENCES, note, app, self.shift(day), person)

    def decided_on(self, app: Application) -> dt.date:
        """When the latest status was set: its `status_date`, but never before the last
        follow-up the user did (a status edited by hand may keep an old date; `check` says so)."""
        latest = app.latest
        day = latest.status_date or latest.day or self.today
        last = self.last_done(app, after=day)
        if last is not None:
            if latest.status_date is not None:
                self.problems.append(
                    Problem(
                        latest.path,
                        latest.status_date_line,
                        f"status_date {latest.status_date.isoformat()} is before your last "
                        f"follow-up ({last.isoformat()}); vaultfu dates the "
                        f"{latest.status.value} {last.isoformat()} until you set the real "
                        f"date: vaultfu set '{latest.path}' status_date YYYY-MM-DD",
                    )
                )
            day = last
        return day

    def per_application(self, app: Application, offers: Offers) -> None:
        latest = app.latest
        contact = latest.interviewers[0] if latest.interviewers else None
        status = latest.status
        if status.pending:
            offer = offers.first_below(latest.priority)
            values = other_offer(offer.latest) if offer else ()
            if self.status_checks(app, contact, offer.latest if offer else None):
                return  # closed by the user: nothing more to chase
            if offer is not None:  # tell them once, when the first offer that ranks lower came
                other = f"{offer.latest.company} ({offer.latest.role})"
                when = self.shift(offer_day(offer.latest, self.today))
                self.add(
                    Kind.COMPETING_OFFER,
                    latest,
                    app,
                    when,
                    contact,
                    offer.key,
                    other,
                    values=values,
                )
            return
        decided_on = self.decided_on(app)
        if status in (Status.OFFER, Status.ACCEPTED, Status.DECLINED):
            if latest.offer_deadline:
                margin = dt.timedelta(days=self.rules.offer_deadline_margin_days)
                due = latest.offer_deadline - margin
                due = to_friday(due, self.holidays) if self.rules.weekend_to_monday else due
            else:
                base = decided_on if status is Status.OFFER else latest.day or decided_on
                due = self.shift(base + dt.timedelta(days=self.rules.offer_response_days))
            answered = None if status is Status.OFFER else decided_on
            self.add(Kind.OFFER_RESPONSE, latest, app, due, contact, answered=answered)
        if status is Status.REJECTED:
            due = self.shift(decided_on + dt.timedelta(days=self.rules.rejection_thank_you_days))
            self.add(Kind.REJECTION_THANK_YOU, latest, app, due, contact)
        if status in (Status.REJECTED, Status.ACCEPTED, Status.DECLINED) and latest.connect:
            due = self.shift(decided_on + dt.timedelta(days=self.rules.connect_days))
            for person in latest.interviewers:
                self.add(Kind.CONNECT, latest, app, due, person)
        if status is Status.REJECTED and latest.keep_in_touch:
            self.keep_in_touch(app, contact, decided_on)

    def withdraw(self, app: Application, accepted: Application) -> None:
        """An offer elsewhere was accepted: no more chasing, only a warm withdrawal."""
        latest = app.latest
        contact = latest.interviewers[0] if latest.interviewers else None
        since = self.decided_on(accepted)
        due = add_business_days(since, self.rules.withdraw_business_days, self.holidays)
        other = f"{accepted.latest.company} ({accepted.latest.role})"
        values = (("other_company", accepted.latest.company),)
        self.add(
            Kind.WITHDRAW, latest, app, self.shift(due), contact, accepted.key, other, values=values
        )

    def status_checks(
        self, app: Application, contact: Person | None, offer: Interview | None = None
    ) -> bool:
        """The status checks, the second and the move-on; True when the user closed the
        application by ticking "move on". A check due in the week before a lower-ranked
        offer's deadline says so in its draft."""
        latest = app.latest
        if latest.day is not None and latest.day > self.today:
            return False  # the interview is still ahead: nothing to chase
        floor = latest.follow_up_on or (
            latest.decision_by + ONE_DAY if latest.decision_by else None
        )
        if latest.follow_up_on:  # they told you when: this wins
            due = latest.follow_up_on
        elif latest.decision_by:
            due = add_business_days(
                latest.decision_by, self.rules.decision_grace_business_days, self.holidays
            )
        elif latest.day:
            due = latest.day + dt.timedelta(days=self.rules.status_check_days)
        else:
            return False
        heard = app.last_heard  # they just wrote: no chasing them before status_check_days
        wait = heard + dt.timedelta(days=self.rules.status_check_days) if heard else None
        due = self.shift(max(due, wait) if wait else due)
        first = self.add(Kind.STATUS_CHECK, latest, app, due, contact, values=near(offer, due))
        if first is None or first.done is None:
            return False
        due = first.done + dt.timedelta(days=self.rules.status_check_2_days)
        due = max(due, floor) if floor else due
        due = self.shift(max(due, wait) if wait else due)
        second = self.add(Kind.STATUS_CHECK_2, latest, app, due, contact, values=near(offer, due))
        if second is None or second.done is None:
            return False
        due = second.done + dt.timedelta(days=self.rules.move_on_days)
        move_on = self.add(Kind.MOVE_ON, latest, app, self.shift(due))
        if move_on is not None and move_on.done is not None:
            self.closed.add(app.label)
            return True
        return False

    def keep_in_touch(self, app: Application, contact: Person | None, since: dt.date) -> None:
        for number in range(1, 1000):
            due = self.shift(add_months(since, self.rules.keep_in_touch_months))
            action = self.add(Kind.KEEP_IN_TOUCH, app.latest, app, due, contact, str(number))
            if action is None or action.done is None:
                return
            since = action.done

    def user_tasks(self, app: Application) -> None:
        for note in app.notes:
            for task in note.tasks:
                if task.status is not TaskStatus.OPEN or task.is_vaultfu:
                    continue
                if "🆔 vf-" in task.description:
                    continue  # vaultfu's own line, its id hidden by text after a block id
                if self.tasks_filter not in task.description:
                    continue  # not a task to the Tasks plugin: a checklist item (see `plan`)
                due = task.scheduled or task.due or task.start or self.today
                self.actions.append(
                    Action(
                        id=user_task_id(note, task),
                        kind=Kind.TASK,
                        note=note.path,
                        application=app.label,
                        company=note.company,
                        role=note.role,
                        due=due,
                        channel=Channel.NONE,
                        text=without_filter(task.description, self.tasks_filter),
                    )
                )

    def space_status_checks(self) -> None:
        """No two status checks to one company within `min_days_between_checks` days."""
        gap = dt.timedelta(days=self.rules.min_days_between_checks)
        checks = (Kind.STATUS_CHECK, Kind.STATUS_CHECK_2)
        by_company: dict[str, list[int]] = defaultdict(list)
        for index, action in enumerate(self.actions):
            if action.kind in checks:
                by_company[action.company.casefold()].append(index)
        for indexes in by_company.values():
            done = sorted(d for i in indexes if (d := self.actions[i].done) is not None)
            last = done[-1] if done else None
            for i in sorted(
                (i for i in indexes if self.actions[i].done is None),
                key=lambda i: (self.actions[i].due, self.actions[i].id),
            ):
                action = self.actions[i]
                if last is not None and action.due < last + gap:
                    action = replace(action, due=self.shift(last + gap))
                    self.actions[i] = action
                last = action.due


def plan(
    interviews: Sequence[Interview],
    *,
    today: dt.date,
    rules: Playbook,
    memo: PlanMemo | None = None,
    shown: Shown | None = None,
    tasks_filter: str = "",
) -> Plan:
    """Every action the playbook asks for, done or open, and who you are waiting on. With
    `memo` (the watcher's), applications that did not change are not planned again; `shown`:
    the due day the agenda showed for an id on the last run (see `_Planner.moved`). With the
    Tasks plugin's global filter (`tasks_filter`), only the user's lines that hold it are
    their tasks, as to the plugin, and the agenda shows them without it."""
    return _Planner(interviews, today, rules, memo, shown, tasks_filter).run()
