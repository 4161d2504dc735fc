"""Open the vault, parse the notes, plan, render, write: the one place that wires it together.

All disk access goes through `vault`; everything else called here is pure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from . import vault
from .agenda import render_region
from .config import Config
from .edits import RegionError, replace_region
from .errors import NoteError, WriteConflict
from .model import Agenda, Interview, Person, Problem
from .notes import (
    BOM,
    decode,
    find_frontmatter,
    is_interview,
    load_frontmatter,
    might_be,
    parse_interview,
    person_from,
)
from .playbook import Plan, plan


@dataclass(frozen=True)
class Loaded:
    """What the vault says: its interviews, the notes vaultfu could not read, its note names."""

    interviews: tuple[Interview, ...]
    problems: tuple[Problem, ...]
    names: dict[str, list[str]]  # casefolded note name → paths, for links

    def link_for(self, path: str) -> str:
        """How to link a note: its name when that is unique in the vault, else its path."""
        name = path.rsplit("/", 1)[-1][:-3]
        if len(self.names.get(name.casefold(), ())) <= 1:
            return name
        return path[:-3]

    def resolve(self, target: str) -> str | None:
        """The note a `[[link]]` points to, resolved as Obsidian does: by name anywhere in the
        vault, or by path when the link has a folder; the shortest path wins a tie."""
        target = target.strip().removesuffix(".md")
        name = target.rsplit("/", 1)[-1].casefold()
        candidates = self.names.get(name, [])
        if "/" in target:
            suffix = (target + ".md").casefold()
            candidates = [p for p in candidates if p.casefold().endswith(suffix)]
        if not candidates:
            return None
        return min(candidates, key=lambda p: (p.count("/"), len(p), p))


@dataclass(frozen=True)
class AgendaRun:
    agenda: Agenda
    agenda_path: str
    written: bool  # the agenda note was changed on disk
    region: str
    pinned: bool  # the day came from `.vaultfu.toml`


def load(root: Path, config: Config) -> Loaded:
    names: dict[str, list[str]] = defaultdict(list)
    interviews: list[Interview] = []
    problems: list[Problem] = []
    word = config.type_value
    agenda_rel = config.agenda.replace("\\", "/")
    for rel in vault.scan(root):
        names[rel.rsplit("/", 1)[-1][:-3].casefold()].append(rel)
        if rel == agenda_rel:
            continue
        try:
            snap = vault.read(root, rel)
        except OSError as exc:
            problems.append(Problem(rel, None, f"cannot be read ({exc.strerror})"))
            continue
        if snap.data is None:
            continue
        try:
            found = parse_one(rel, snap.data, config)
        except NoteError as exc:
            if word.encode().lower() in snap.data[:4096].lower():
                problems.append(Problem(exc.path, exc.line, exc.message))
            continue
        if found:
            interview, lesser = found
            interviews.append(interview)
            problems.extend(lesser)
    loaded = Loaded(tuple(interviews), tuple(problems), dict(names))
    return replace(loaded, interviews=tuple(_resolve_people(root, loaded)))


def parse_one(
    rel: str, data: bytes, config: Config
) -> tuple[Interview, tuple[Problem, ...]] | None:
    """One note's bytes → its interview facts, or None when it is not an interview note."""
    text = decode(data, rel) if data[:3] == b"---" or data[:6] == b"\xef\xbb\xbf---" else None
    if text is None or not might_be(text, config.type_value):
        return None
    block = find_frontmatter(text)
    if block is None:
        return None
    fields = load_frontmatter(block, rel)
    if fields is None or not is_interview(fields, config.type_key, config.type_value):
        return None
    return parse_interview(fields, block, text[block.body_offset :], rel)


def _resolve_people(root: Path, loaded: Loaded) -> Iterable[Interview]:
    """Fill in `[[Person note]]` links from the person notes' frontmatter."""
    cache: dict[str, Person] = {}

    def resolve(person: Person) -> Person:
        if not person.link:
            return person
        key = person.link.casefold()
        if key not in cache:
            path = loaded.resolve(person.link)
            data = None
            if path:
                try:
                    snap = vault.read(root, path)
                    text = decode(snap.data or b"", path)
                    block = find_frontmatter(text)
                    data = load_frontmatter(block, path) if block else None
                except (NoteError, OSError):
                    data = None
            cache[key] = person_from(person.link.rsplit("/", 1)[-1], person.link, data)
        found = cache[key]
        return replace(found, name=person.name) if person.name != person.link else found

    for note in loaded.interviews:
        if not any(p.link for p in (*note.interviewers, *note.references)):
            yield note
            continue
        yield replace(
            note,
            interviewers=tuple(resolve(p) for p in note.interviewers),
            references=tuple(resolve(p) for p in note.references),
        )


def make_plan(loaded: Loaded, config: Config, today: dt.date) -> Plan:
    return plan(loaded.interviews, today=today, rules=config.playbook)


def run_agenda(root: Path, *, today: dt.date | None, clock: dt.date, write: bool) -> AgendaRun:
    """`vaultfu agenda`: plan and, unless `write` is False, rewrite the agenda's region."""
    root = vault.open_vault(root)
    config = vault.read_config(root)
    day = today or config.today or clock
    loaded = load(root, config)
    result = make_plan(loaded, config, day)
    problems = list(loaded.problems)
    agenda = Agenda(
        today=day,
        actions=result.open(),
        waiting=result.waiting,
        problems=tuple(sorted(problems, key=lambda p: (p.path, p.line or 0))),
    )
    region = render_region(agenda, loaded.link_for)
    written = False
    if write:
        try:
            written = write_agenda(root, config.agenda, region)
        except NoteError as exc:
            problem = Problem(exc.path, exc.line, exc.message)
            agenda = replace(agenda, problems=(*agenda.problems, problem))
    return AgendaRun(
        agenda, config.agenda, written, region, today is None and config.today is not None
    )


def write_agenda(root: Path, rel: str, region: str, attempts: int = 3) -> bool:
    """Rewrite only the agenda's region; re-read and retry when the note changes under us."""
    for _ in range(attempts):
        snap = vault.read(root, rel)
        data = snap.data or b""
        text = decode(data, rel)
        bom = BOM if data.startswith(BOM.encode()) else ""
        try:
            new = replace_region(text, region)
        except RegionError as exc:
            raise NoteError(rel, exc.line, str(exc)) from None
        try:
            return vault.write(root, snap, (bom + new).encode("utf-8"))
        except WriteConflict:
            continue
        except OSError as exc:
            raise NoteError(rel, None, f"cannot be written ({exc.strerror})") from None
    raise NoteError(rel, None, "kept changing while vaultfu tried to write it; left as it is")
