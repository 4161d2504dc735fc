"""The pipeline in numbers (pure): applications per status, interviews per week, how long each
company took to answer, and how many follow-ups were done on time."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from .model import Application, Interview, Status, TaskStatus, group_applications


@dataclass(frozen=True)
class Stats:
    by_status: dict[str, int]  # applications, by the status of their latest note
    per_week: dict[str, int]  # interviews per ISO week ("2026-W47"), weeks that had any
    response_days: dict[str, int]  # company → days from its last interview to its answer
    done: int  # vaultfu's follow-ups done
    done_on_time: int  # ... on or before their due date

    def as_json(self) -> dict[str, Any]:
        return {
            "applications": self.by_status,
            "interviews_per_week": self.per_week,
            "response_days": self.response_days,
            "follow_ups_done": self.done,
            "follow_ups_done_on_time": self.done_on_time,
        }


def compute(interviews: Sequence[Interview], closed: Collection[str] = ()) -> Stats:
    """The figures; `closed` names the applications the user closed by ticking "move on",
    which count as closed whatever their notes' status still says."""
    apps = group_applications(interviews)
    weeks: Counter[str] = Counter()
    for note in interviews:
        if note.day:
            weeks[week_of(note.day)] += 1
    answers: dict[str, list[int]] = {}
    for app in apps:
        latest = app.latest
        if latest.status.decided and latest.status_date and latest.day:
            days = (latest.status_date - latest.day).days
            answers.setdefault(latest.company, []).append(max(0, days))
    done = on_time = 0
    for note in interviews:
        for task in note.tasks:
            if task.is_vaultfu and task.status is TaskStatus.DONE:
                done += 1
                on_time += bool(task.done and task.due and task.done <= task.due)
    return Stats(
        by_status=_by_status(apps, closed),
        per_week=dict(sorted(weeks.items())),
        response_days={c: round(sum(d) / len(d)) for c, d in sorted(answers.items())},
        done=done,
        done_on_time=on_time,
    )


def _by_status(apps: Sequence[Application], closed: Collection[str]) -> dict[str, int]:
    found = Counter(
        Status.CLOSED.value if app.label in closed else app.latest.status.value for app in apps
    )
    return {s.value: found[s.value] for s in Status if found[s.value]}


def mermaid(apps: Sequence[Application], closed: Collection[str] = ()) -> str:
    """A pie of the applications by status, as a Mermaid block (Obsidian and GitHub draw it):
    the agenda's chart, counted alone (not the rest of `compute`), from the applications as
    the planner grouped them."""
    by_status = _by_status(apps, closed)
    if not by_status:
        return ""
    lines = ["```mermaid", "pie title Applications by status"]
    lines += [f'    "{status}" : {count}' for status, count in by_status.items()]
    lines.append("```")
    return "\n".join(lines)


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
