"""A deterministic generator of synthetic Obsidian vaults for the benchmark.

`mixed`: ordinary notes (with frontmatter, tags, links, tasks, code, nested folders), person
notes and interview notes, as in a heavy user's vault. `interviews`: every note an interview.
The same arguments always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

TODAY = dt.date(2026, 11, 24)
WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "with",
    "was",
    "on",
    "be",
    "by",
    "this",
    "are",
    "or",
    "from",
    "at",
    "an",
    "have",
    "not",
    "project",
    "meeting",
    "notes",
    "idea",
    "system",
    "design",
    "review",
    "plan",
    "team",
    "data",
    "model",
    "service",
    "queue",
    "event",
    "migration",
    "latency",
    "cache",
    "index",
    "search",
    "vault",
    "garden",
    "book",
    "chapter",
    "reading",
    "summary",
    "question",
    "answer",
    "draft",
    "outline",
    "research",
    "paper",
    "method",
    "result",
    "figure",
    "table",
    "experiment",
    "baseline",
    "metric",
]
STATUSES = ["waiting"] * 5 + ["scheduled", "next-round", "offer", "rejected", "rejected", "closed"]


def _para(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _body(rng: random.Random, size: int, links: list[str]) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        kind = rng.random()
        if kind < 0.12:
            part = f"## {_para(rng, 3)[:-1]}"
        elif kind < 0.22:
            part = "\n".join(
                f"- {_para(rng, rng.randint(4, 12))}" for _ in range(rng.randint(2, 5))
            )
        elif kind < 0.27:
            part = "\n".join(
                f"- [{rng.choice(' x')}] {_para(rng, 5)}" for _ in range(rng.randint(1, 3))
            )
        elif kind < 0.30:
            part = (
                "```python\n"
                + "\n".join(f"x = {i}  # - [ ] not a task" for i in range(4))
                + "\n```"
            )
        else:
            words = rng.randint(30, 90)
            part = _para(rng, words)
            if links:
                part += f" See [[{rng.choice(links)}]]."
        parts.append(part)
        length += len(part) + 2
    return "\n\n".join(parts) + "\n"


def _ordinary(rng: random.Random, index: int, links: list[str]) -> str:
    created = TODAY - dt.timedelta(days=rng.randint(0, 1500))
    tags = ", ".join(rng.sample(["project", "reading", "idea", "daily", "work", "home", "ref"], 2))
    head = (
        f"---\ncreated: {created.isoformat()}\ntags: [{tags}]\n"
        f'aliases: ["Note {index}"]\nrating: {rng.randint(1, 5)}\n---\n'
    )
    return head + f"# Note {index}\n\n" + _body(rng, rng.randint(1500, 6500), links)


def _person(rng: random.Random, name: str) -> str:
    first = name.split()[0].lower()
    return (
        f"---\ntags: [person]\nemail: {first}@{rng.choice(['acme', 'globex', 'initech'])}.example\n"
        f"title: {rng.choice(['Engineering Manager', 'Recruiter', 'Staff Engineer'])}\n---\n"
        f"# {name}\n\n{_para(rng, 20)}\n"
    )


def _interview(rng: random.Random, app: int, round_no: int, rounds: int, people: list[str]) -> str:
    company = f"Company {app:04d}"
    rng_role = random.Random(app)  # one role per application, whatever the round
    role = rng_role.choice(["Backend Engineer", "Data Engineer", "Platform Engineer", "SRE"])
    day = TODAY - dt.timedelta(days=rng_role.randint(0, 90) - 7 * round_no + 14)
    last = round_no == rounds - 1
    status = rng_role.choice(STATUSES) if last else "next-round"
    if last and day > TODAY:
        status = "scheduled"
    lines = [
        "---",
        "type: interview",
        f'company: "[[{company}]]"',
        f"role: {role}",
        f"round: round {round_no + 1}",
        f"date: {day.isoformat()}T{rng.randint(9, 17):02d}:00",
        "interviewers:",
        f'  - "[[{rng.choice(people)}]]"',
        f"  - Pat Example{app} <pat{app}@company{app}.example>",
        f"status: {status}",
        f"status_date: {(day + dt.timedelta(days=3)).isoformat()}",
        f"priority: {rng.randint(1, 5)}",
        "tags: [interview]",
    ]
    if rng.random() < 0.5:
        lines.append(f"decision_by: {(day + dt.timedelta(days=rng.randint(5, 20))).isoformat()}")
    if rng.random() < 0.3:
        lines.append(f'references: ["[[{rng.choice(people)}]]"]')
    if status == "offer":
        lines.append(f"offer_deadline: {(day + dt.timedelta(days=10)).isoformat()}")
    lines.append("---")
    body = _body(rng, rng.randint(1500, 4000), [])
    if rng.random() < 0.3:
        body += f"\n- [ ] Send the writing sample 📅 {(day + dt.timedelta(days=2)).isoformat()}\n"
    return "\n".join(lines) + "\n" + body


def generate(root: Path, *, notes: int, kind: str = "mixed", seed: int = 7) -> None:
    """Write a vault of `notes` notes into `root` (which must be empty or missing)."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / ".obsidian").mkdir(exist_ok=True)
    (root / ".vaultfu.toml").write_text('user_name = "Bench Mark"\n', encoding="utf-8")
    people = [f"Person {i:03d} Example" for i in range(300)]
    if kind == "mixed":
        interviews = notes // 10
        persons = min(300, notes // 30)
        ordinary = notes - interviews - persons
    else:
        interviews, persons, ordinary = notes, 0, 0
    people = people[: max(persons, 1)]
    for name in people[:persons]:
        _write(root / "People" / f"{name}.md", _person(rng, name))
    links = [f"Note {i}" for i in range(0, max(ordinary, 1), 7)]
    for i in range(ordinary):
        folder = f"Area {i % 7}/Topic {i % 23}" + (f"/Sub {i % 3}" if i % 5 == 0 else "")
        _write(root / folder / f"Note {i}.md", _ordinary(rng, i, links))
    written = 0
    app = 0
    while written < interviews:  # 2 to 5 rounds an application: about 3 notes in 10 start one
        rounds = min(2 + app % 4, interviews - written)
        for round_no in range(rounds):
            text = _interview(rng, app, round_no, rounds, people)
            _write(root / "Interviews" / f"Company {app:04d}" / f"Round {round_no + 1}.md", text)
            written += 1
        app += 1


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
