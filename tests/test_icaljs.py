"""vaultfu's calendar file read by ical.js, the parser of Thunderbird's and Nextcloud's
calendars (npm, run by node), and by icalendar: both must see the same events at the same
moments, in the vault's time zone, with the same reminders. CI installs node and npm when the
machine has none (`.ci/run`); ical.js is installed from npm into tests/icaljs/ on first use."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from vaultfu.cli import main

from .conftest import Vault

HERE = Path(__file__).parent / "icaljs"


@pytest.fixture(scope="session")
def icaljs() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "node and npm are needed to read the calendar with ical.js (.ci/run)"
    if not (HERE / "node_modules" / "ical.js").is_dir():
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--silent"], cwd=HERE, check=True
        )
    return HERE / "read.mjs"


def read_with_icaljs(script: Path, ics: Path) -> list[dict[str, object]]:
    found = subprocess.run(
        ["node", str(script), str(ics)], capture_output=True, text=True, check=True
    )
    events: list[dict[str, object]] = json.loads(found.stdout)
    return events


def read_with_icalendar(data: bytes) -> list[dict[str, object]]:
    events = []
    for event in Calendar.from_ical(data).walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        timed = isinstance(start, dt.datetime)

        def when(value: dt.date) -> str:
            if isinstance(value, dt.datetime):
                return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            return value.isoformat()

        events.append(
            {
                "uid": str(event["UID"]),
                "summary": str(event["SUMMARY"]),
                "allDay": not timed,
                "start": when(start),
                "end": when(end),
                "zone": event["DTSTART"].params.get("TZID", str(start.tzinfo)) if timed else None,
                "alarms": [
                    {
                        "action": str(alarm["ACTION"]),
                        "seconds": int(alarm.decoded("TRIGGER").total_seconds()),
                    }
                    for alarm in event.walk("VALARM")
                ],
            }
        )
    return events


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "UTC"])
def test_icaljs_and_icalendar_read_the_same_calendar(
    icaljs: Path, sample: Vault, tmp_path: Path, zone: str
) -> None:
    config = sample.root / ".vaultfu.toml"
    old = config.read_text() if config.exists() else ""
    config.write_text(f'{old}\ntimezone = "{zone}"\nremind_at = "08:30"\n')
    ics = tmp_path / "followups.ics"
    result = CliRunner().invoke(
        main, ["ics", str(sample.root), "--today", "2026-11-20", "--output", str(ics)]
    )
    assert result.exit_code == 0, result.output
    seen = read_with_icaljs(icaljs, ics)
    expected = read_with_icalendar(ics.read_bytes())
    key = lambda e: str(e["uid"])  # noqa: E731
    assert sorted(seen, key=key) == sorted(expected, key=key)
    timed = [e for e in seen if not e["allDay"]]
    all_day = [e for e in seen if e["allDay"]]
    assert timed and all_day  # interviews at their time, follow-ups on their day
    assert {e["zone"] for e in timed} == {zone}
    follow_ups = [e for e in all_day if not str(e["uid"]).startswith("interview-")]
    assert follow_ups
    assert all(
        e["alarms"] == [{"action": "DISPLAY", "seconds": 8 * 3600 + 1800}] for e in follow_ups
    )
    assert all(e["alarms"] == [] for e in seen if str(e["uid"]).startswith("interview-"))
