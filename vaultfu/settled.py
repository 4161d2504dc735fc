"""A settled vault answers at once: the agenda of the last run that had nothing to write, kept
while nothing that run read has changed.

`vaultfu agenda` is run again and again on a vault that did not change (a status bar, a shell
alias, Obsidian's shell-commands plugin on every open). A run that planned no write is a pure
function of what it read: every note's bytes, the settings, the draft templates, the day and
vaultfu itself. The record keeps the (size, mtime_ns) of each of those, as the index cache
does, and the agenda that run printed; the next run scans the vault (which it must do anyway)
and, when every stamp is the same and the day is the same, prints that agenda without reading,
parsing or planning a note. Anything else, and the run is a normal one, using the same scan.
Deleting the record loses nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import msgspec

from . import cache, vault
from .config import Config
from .model import Agenda, RunResult

FORMAT = 2  # 2: the agenda's replies
SUFFIX = ".settled.json"
RACY_NS = 2_000_000_000  # a stamp this close to the record's own mtime proves nothing

Key = tuple[int, int]
Inputs = tuple[tuple[str, Key | None], ...]


class Scanned(msgspec.Struct, frozen=True, omit_defaults=True):
    """One scan of the vault, taken once per run and shared by the check and the index."""

    root: Path
    config: Config
    day: dt.date
    edits: bool
    notes: list[tuple[str, Key | None]]  # None: not stat'ed (no cache to compare with)
    temp: list[str]  # vaultfu's temporary files found (swept by the index)
    inputs: Inputs  # taken before any of them was read


class Head(msgspec.Struct, frozen=True, omit_defaults=True):
    """What a record was made from: read first, and the agenda only when it all matches."""

    key: str
    inputs: Inputs
    notes: list[tuple[str, Key]]


class Record(msgspec.Struct, frozen=True, omit_defaults=True):
    key: str
    inputs: Inputs
    notes: list[tuple[str, Key]]
    agenda: Agenda
    agenda_path: str
    pinned: bool


def check(
    path: Path, *, today: dt.date | None, clock: dt.date, edits: bool
) -> tuple[RunResult | None, Scanned]:
    """Scan the vault; the last quiet run's result when nothing it read has changed since (else
    None), and the scan, for the run that has to be made."""
    root = vault.open_vault(path)
    config = vault.read_config(root)
    inputs = vault.inputs(root, config.agenda)
    found = vault.read_cache(root, SUFFIX)
    # With neither a record nor the index's cache, no stamp is compared with anything: the
    # notes are listed, not stat'ed (a tenth of a cold run's scan), and the stamps the record
    # keeps are those each note had when it was read (see `remember`).
    stamps = found is not None or vault.cache_file(root).exists()
    temp: list[str] = []
    notes = list(vault.scan(root, temp, stamps))
    day = today or config.today or clock
    scanned = Scanned(root, config, day, edits, notes, temp, inputs)
    return (_answer(scanned, found) if found is not None else None), scanned


def _key(scanned: Scanned) -> str:
    from . import __version__

    day, edits, config = scanned.day, scanned.edits, scanned.config
    return f"vaultfu {__version__} format {FORMAT} {scanned.root} {day} {edits} {config!r}"


def _answer(scanned: Scanned, found: tuple[bytes, int]) -> RunResult | None:
    if scanned.temp:
        return None  # a write was cut short: the normal run sweeps it
    data, mtime = found
    try:  # the head alone first: building the agenda's objects costs more than skipping it
        head = cache.loads(data, Head)
    except (ValueError, TypeError):
        return None
    if head.key != _key(scanned) or head.inputs != scanned.inputs or head.notes != scanned.notes:
        return None
    fresh = mtime - RACY_NS
    stamps = [k for _, k in head.notes] + [k for _, k in head.inputs if k is not None]
    if any(key[1] >= fresh for key in stamps):
        return None  # changed too close to the record to be told apart by its mtime
    try:
        record = cache.loads(data, Record)
    except (ValueError, TypeError):
        return None
    return RunResult(record.agenda, record.agenda_path, b"", record.pinned, (), ())


def remember(scanned: Scanned, result: RunResult, read: Mapping[str, Key]) -> None:
    """Keep a run's answer for the next one, when it had nothing to write. `read`: the stamp
    each note had when it was read, for a scan that took none: a note saved since it was read
    then has another stamp on the next run, as it would against a stamp taken before."""
    if result.writes or scanned.temp:
        return
    notes = []
    for rel, key in scanned.notes:
        if key is None:
            key = read.get(rel)  # a note the index passes over (a template) is not read at all
            key = key if key is not None else vault.stat_of(scanned.root, rel) or (-1, -1)
        notes.append((rel, key))
    record = Record(
        _key(scanned),
        scanned.inputs,
        notes,
        result.agenda,
        result.agenda_path,
        result.pinned,
    )
    vault.write_cache(scanned.root, cache.dumps(record), SUFFIX)
