"""Follow-ups and interviews as an iCalendar file (pure), made with the icalendar package.

UIDs are stable (an action's id; an interview's application and date), so a calendar that
subscribes to the file, or re-imports it, updates events instead of duplicating them."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from .model import Action, Interview


def interview_uid(note: Interview) -> str:
    when = note.date.isoformat() if note.date else note.name
    digest = hashlib.sha1(f"{note.application_key}\x1f{when}".encode()).hexdigest()[:10]
    return f"interview-{digest}@vaultfu"


def calendar(
    actions: Iterable[Action],
    interviews: Iterable[Interview],
    today: dt.date,
    *,
    zone: str = "UTC",
    remind_at: dt.time | None = dt.time(9, 0),
) -> bytes:
    """Follow-ups are all-day events on their due day, each with a reminder at `remind_at` that
    day (a VALARM; None: none); interviews at their time in the vault's time zone `zone` (an
    IANA name), with its VTIMEZONE, so that they do not move when seen from another zone."""
    from zoneinfo import ZoneInfo

    from icalendar import Alarm, Calendar, Event

    tz = ZoneInfo(zone)

    stamp = dt.datetime.combine(today, dt.time(0, 0), tzinfo=dt.UTC)  # same day, same bytes
    cal = Calendar()
    cal.add("prodid", "-//vaultfu//interview follow-ups//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "vaultfu follow-ups")
    for action in actions:
        event = Event()
        event.add("uid", f"{action.id}@vaultfu")
        event.add("dtstamp", stamp)
        event.add("summary", action.text)
        event.add("dtstart", action.due)  # a date: an all-day event
        event.add("dtend", action.due + dt.timedelta(days=1))
        channel = "" if action.channel.value == "none" else f"{action.channel.value} · "
        event.add("description", f"{channel}{action.note}")
        if remind_at is not None:  # relative to the start of the due day, in local time
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", action.text)
            alarm.add("trigger", dt.timedelta(hours=remind_at.hour, minutes=remind_at.minute))
            event.add_component(alarm)
        cal.add_component(event)
    for note in interviews:
        if note.date is None:
            continue
        event = Event()
        event.add("uid", interview_uid(note))
        event.add("dtstamp", stamp)
        what = f"{note.round} interview" if note.round else "Interview"
        event.add("summary", f"{what}: {note.company} ({note.role})")
        if note.date.time() == dt.time(23, 59):  # a date alone: all day
            event.add("dtstart", note.date.date())
            event.add("dtend", note.date.date() + dt.timedelta(days=1))
        else:  # the time written in the note, in the vault's time zone
            start = note.date.replace(tzinfo=tz)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(hours=1))
        event.add("description", note.path)
        cal.add_component(event)
    cal.add_missing_timezones()
    _one_rdate_each(cal)
    return bytes(cal.to_ical())


def _one_rdate_each(cal: Any) -> None:
    """Each transition of a VTIMEZONE as its own RDATE line. icalendar writes them as one
    RDATE with many dates, which RFC 5545 allows, but ical.js (Thunderbird's and Nextcloud's
    parser) reads only the first date of each RDATE: an interview in summer time moved by an
    hour there (tests/test_icaljs.py)."""
    for zone in cal.walk("VTIMEZONE"):
        for part in zone.subcomponents:
            found = part.pop("RDATE", None)
            if found is None:
                continue
            for value in found if isinstance(found, list) else [found]:
                for when in value.dts:
                    part.add("rdate", when.dt)
