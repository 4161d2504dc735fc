"""Living with vaultfu: runs on successive days, through the command line, with the user's edits
between them made on the real files as Obsidian, the Tasks plugin or an editor makes them.

After every run the vault must hold: every vaultfu id on at most one task line; every open one
in the notes also open in the agenda, on the same day (the note's 📅, the agenda's "due"); and
a second run the same day writes nothing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from vaultfu.body import DEFAULT_STATUSES, Statuses, parse_structure, status_table
from vaultfu.cli import main
from vaultfu.edits import region_of
from vaultfu.front import find_frontmatter
from vaultfu.model import Task, TaskStatus

from .conftest import Vault


def tasks_of(text: str, statuses: Statuses = DEFAULT_STATUSES) -> tuple[Task, ...]:
    block = find_frontmatter(text)
    offset, line = (block.body_offset, block.body_line) if block else (0, 1)
    return parse_structure(text[offset:], line, "n.md", statuses).tasks


def twins(notes: list[tuple[str, str]]) -> set[frozenset[str]]:
    """The pairs of notes of the very same interview: the same company, role, date and time."""
    by_interview: dict[tuple[str, str, str], list[str]] = {}
    for rel, text in notes:
        block = find_frontmatter(text)
        fields = yaml.safe_load(block.yaml) if block else None
        if isinstance(fields, dict):
            key = (str(fields.get("company")), str(fields.get("role")), str(fields.get("date")))
            by_interview.setdefault(key, []).append(rel)
    return {
        frozenset((a, b)) for rels in by_interview.values() for a in rels for b in rels if a < b
    }


class Replay:
    def __init__(self, vault: Vault, agenda: str = "Agenda.md") -> None:
        self.vault = vault
        self.agenda = agenda
        self.runner = CliRunner()
        self.today = ""
        self.copies: set[tuple[str, str]] = set()  # (note, id): a copy the user made of a line
        # two notes of the very same interview (a copy, or a next round's note, with the same
        # company, role, date and time): one interview to vaultfu, whose Problems say so; a
        # line in one may come to be in both (one of them in the trash for a run, then back),
        # and neither is checked, then or later
        self.twins: set[frozenset[str]] = set()
        self.statuses: tuple[tuple[str, str], ...] = ()  # the Tasks plugin's table, as set
        self.previous: dict[str, str] = {}  # each note's text before the last run
        # notes whose status is mistyped: the status to put back (their rounds and copies are
        # named from them: `acme next 5.md`)
        self.broken: dict[str, str] = {}
        self.garbled: set[str] = set()  # of those, the notes whose YAML does not parse at all
        self.moving: dict[str, str] = {}  # notes to move to another folder for the next run
        self.crlf: set[str] = set()  # notes to save with CRLF line endings for the next run
        self.moved: dict[str, str] = {}  # where a moved note is → where it was

    def run(self, *args: str) -> str:
        result = self.runner.invoke(main, [*args, "--vault", str(self.vault.root)])
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output, result.output
        return result.output

    def day(self, iso: str) -> str:
        """`vaultfu agenda --today DAY`, then the same again: the second writes nothing."""
        self.today = iso
        out = self.run("agenda", "--today", iso)
        before = self.vault.snapshot()
        self.run("agenda", "--today", iso)
        assert self.vault.snapshot() == before, f"a second run on {iso} wrote again"
        self.check()
        return out

    # -- what the user does between runs ---------------------------------------------------

    def edit(self, rel: str, old: str, new: str) -> None:
        """An edit made in place (Obsidian's editor and its properties panel write in place)."""
        path = self.vault.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (old, text)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def line(self, rel: str, ident: str) -> str:
        (found,) = [x for x in self.vault.read(rel).splitlines() if f"🆔 {ident}" in x]
        return found

    def tick_in_agenda(self, ident: str, on: str) -> None:
        """The Tasks plugin's toggle: the box ticked, the line written again in its own field
        order, with ✅ and the day it was ticked (the agenda's lines carry no 📅: the note's
        line is the Tasks task)."""
        line = self.line(self.agenda, ident)
        assert "📅" not in line
        words = line[len("- [ ] ") : line.index(" 🆔 ")]
        self.edit(self.agenda, line, f"- [x] {words} 🆔 {ident} ✅ {on}")

    def tick_in_note(self, rel: str, ident: str, on: str) -> None:
        """The Tasks plugin's toggle on a note's line: the box ticked and the line written again
        in the plugin's own field order (🆔 before 📅), with ✅ and the day it was ticked."""
        line = self.line(rel, ident)
        found = re.fullmatch(rf"- \[ \] (.*) 📅 (\S+) 🆔 {ident}", line)
        assert found is not None, line
        words, due = found.groups()
        self.edit(rel, line, f"- [x] {words} 🆔 {ident} 📅 {due} ✅ {on}")

    def ids(self, rel: str, kind_words: str) -> list[str]:
        """The ids of the task lines in a note whose words contain `kind_words`."""
        return [t.id for t in tasks_of(self.vault.read(rel)) if t.id and kind_words in t.text]

    # -- what must hold after every run ----------------------------------------------------

    def check(self) -> None:
        seen: dict[str, str] = {}
        open_in_notes: dict[str, dt.date | None] = {}
        notes: list[tuple[str, str]] = []
        for path in sorted(self.vault.root.rglob("*.md")):
            rel = path.relative_to(self.vault.root).as_posix()
            if rel.startswith(".") or "/." in rel:
                continue  # in a hidden folder (Obsidian's .trash): not the vault's, not read
            rel = self.moved.get(rel, rel)  # a note moved for this run: named as before
            if rel == self.agenda or any(rel.startswith(b[:-3]) for b in self.broken):
                continue  # refused, or of its application (its rounds): not written
            notes.append((rel, path.read_text(encoding="utf-8")))
        same = twins(notes)
        self.twins |= same
        table = status_table(self.statuses)
        tasks = {
            rel: [t for t in tasks_of(text, table) if t.is_vaultfu and t.id] for rel, text in notes
        }
        shared: set[tuple[str, str | None]] = (
            set()
        )  # a line of twins' that both hold: neither checked
        for pair in self.twins:
            one, other = sorted(pair)
            both = {t.id for t in tasks.get(one, [])} & {t.id for t in tasks.get(other, [])}
            shared |= {(rel, i) for i in both for rel in pair}
            if both and pair in same:  # while they are twins, the agenda's Problems name them
                said = self.vault.read(self.agenda)
                assert any(f"`{rel}`" in said for rel in pair), f"{pair}: twins, not named"
        for rel, _ in notes:
            for task in tasks[rel]:
                ident = task.id or ""
                if (rel, ident) in self.copies or (rel, ident) in shared:
                    continue
                assert ident not in seen, f"{ident} on two lines: {seen[ident]}, {rel}"
                seen[ident] = rel
                if task.status is TaskStatus.OPEN:
                    open_in_notes[ident] = task.due
        agenda = self.agenda_tasks()
        for ident, due in open_in_notes.items():
            assert ident in agenda, f"{self.today}: {ident} open in {seen[ident]}, not in agenda"
            assert agenda[ident] == due, f"{self.today}: {ident} 📅 {due} in note, {agenda[ident]}"

    def agenda_tasks(self) -> dict[str, dt.date | None]:
        path: Path = self.vault.root / self.agenda
        if not path.exists():
            return {}
        region = region_of(path.read_text(encoding="utf-8")) or ""
        found: dict[str, dt.date | None] = {}
        for t in parse_structure(region, 1, self.agenda).tasks:
            if t.id and t.status is TaskStatus.OPEN:
                assert t.due is None, f"{t.id}: 📅 in the agenda lists it twice in Tasks queries"
                day = re.search(r" · due (\d{4}-\d{2}-\d{2})$", t.text)
                found[t.id] = dt.date.fromisoformat(day.group(1)) if day else None
        return found
