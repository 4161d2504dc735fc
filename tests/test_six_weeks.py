"""Six weeks of a job search, day by day: 13 interviews across 11 applications made with
`vaultfu new`, every follow-up done from the agenda as the Tasks plugin ticks it (on its day or a
day late), facts changed with `vaultfu set` and by hand, an offer whose deadline moves, and the
acceptance that ends the search. Every day: ids on one line each, note and agenda agree, a
second run writes nothing, no traceback."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from .conftest import Vault
from .replay import Replay, tasks_of

COMPANIES = [
    ("Acme Corp", "Backend Engineer", "Jane Doe <jane@acme.com>"),
    ("Globex", "Platform Engineer", "Hank Scorpio <hank@globex.com>"),
    ("Initech", "SRE", "Bill Lumbergh <bill@initech.com>"),
    ("Umbrella", "Data Engineer", "Alice Abernathy <alice@umbrella.com>"),
    ("Hooli", "Site Reliability Engineer", "Gavin Belson <gavin@hooli.com>"),
    ("Stark Industries", "ML Engineer", "Pepper Potts <pepper@stark.com>"),
    ("Wayne Enterprises", "Backend Engineer", "Lucius Fox <lucius@wayne.com>"),
    ("Cyberdyne", "Platform Engineer", "Miles Dyson <miles@cyberdyne.com>"),
    ("Soylent", "Data Engineer", "Sol Roth <sol@soylent.com>"),
    ("Tyrell", "Backend Engineer", "Rachael Rosen <rachael@tyrell.com>"),
    ("Wonka", "SRE", ""),
]
START = dt.date(2026, 11, 2)


def late(ident: str) -> int:
    """Whether the user does this one on its day or a day late (the same every run)."""
    return hashlib.sha1(ident.encode()).digest()[0] % 2


def test_six_weeks_of_a_job_search(vault: Vault) -> None:
    r = Replay(vault)
    notes: dict[str, str] = {}
    for number, (company, role, who) in enumerate(COMPANIES):
        day = START + dt.timedelta(days=number * 2)
        args = ["new", "--company", company, "--role", role, "--date", f"{day}T10:00"]
        args += ["--interviewer", who] if who else []
        notes[company] = r.run(*args, "--today", START.isoformat()).strip()
    priority = vault.root / notes["Acme Corp"]
    priority.write_text(
        priority.read_text().replace("status: scheduled", "status: scheduled\npriority: 1")
    )
    done = 0
    for offset in range(42):
        today = START + dt.timedelta(days=offset)
        iso = today.isoformat()
        # what the user does today, before vaultfu runs
        if offset == 9:
            r.run("set", str(vault.root / notes["Initech"]), "status", "rejected", "--on", iso)
        if offset == 12:  # a second round at Acme and at Hooli
            for company in ("Acme Corp", "Hooli"):
                role, who = next((c[1], c[2]) for c in COMPANIES if c[0] == company)
                when = f"{today + dt.timedelta(days=2)}T15:00"
                args = ["new", "--company", company, "--role", role, "--date", when]
                r.run(*args, "--interviewer", who, "--round", "onsite", "--today", iso)
        if offset == 14:
            path = vault.root / notes["Globex"]
            deadline = today + dt.timedelta(days=7)
            path.write_text(path.read_text() + "They called with an offer!\n")
            r.run("set", str(path), "status", "offer", "--on", iso)
            r.run("set", str(path), "offer_deadline", deadline.isoformat())
        if offset == 17:  # they gave more time
            new = (today + dt.timedelta(days=8)).isoformat()
            r.run("set", str(vault.root / notes["Globex"]), "offer_deadline", new)
        if offset == 24:
            r.run("set", str(vault.root / notes["Globex"]), "status", "accepted", "--on", iso)
        for ident, due in sorted(r.agenda_tasks().items()):
            if due is not None and due + dt.timedelta(days=late(ident)) <= today:
                if not ident.startswith("vf-"):
                    continue
                r.tick_in_agenda(ident, iso)
                done += 1
        r.day(iso)
    agenda = vault.read("Agenda.md")
    assert "Follow up with" not in agenda and "Check in a second" not in agenda
    assert "Tell Jane Doe at Acme Corp" not in agenda.split("%% vaultfu:begin %%")[1]
    withdrawn = [
        t
        for rel in notes.values()
        for t in tasks_of(vault.read(rel))
        if t.is_vaultfu and "Withdraw from" in t.text
    ]
    assert len(withdrawn) >= 5 and all(t.status.value == "x" for t in withdrawn)
    answered = [t for t in tasks_of(vault.read(notes["Globex"])) if "Answer the offer" in t.text]
    assert len(answered) == 1 and answered[0].status.value == "x", vault.read(notes["Globex"])
    stats = json.loads(r.run("stats", "--json"))
    assert stats["applications"]["accepted"] == 1
    # the agenda's pie counts the applications as `vaultfu stats` does (withdrawn ones closed)
    pie = re.findall(r'^    "([a-z-]+)" : (\d+)$', vault.read("Agenda.md"), re.MULTILINE)
    assert {k: int(n) for k, n in pie} == stats["applications"] and len(pie) >= 2
    assert done > 40
