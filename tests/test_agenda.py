"""The agenda note: only the region between the markers is vaultfu's; runs are deterministic."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultfu.agenda import shown_due, shown_words, task_line
from vaultfu.edits import BEGIN, END, RegionError, region_of, replace_region
from vaultfu.engine import run
from vaultfu.model import Action, Channel, Kind, RunResult
from vaultfu.wording import task_words

from .conftest import ACME, ROOT, TODAY, Vault

GOLDEN = {
    "Agenda.md": ROOT / "tests/golden/Agenda.md",
    "Interviews/2026-11-24 Acme Corp - onsite.md": ROOT / "tests/golden/Acme onsite.md",
}


def go(v: Vault, today: dt.date = TODAY, write: bool = True) -> RunResult:
    return run(v.root, today=today, clock=dt.date(2000, 1, 1), write=write)


def test_creates_the_agenda_note_when_missing(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    result = go(vault)
    assert result.agenda_written
    text = vault.read("Agenda.md")
    assert text.startswith(BEGIN + "\n") and text.endswith(END + "\n")
    assert "Email a thank-you to Jane Doe" in text
    assert (
        "[[acme]]" in text and "🆔 vf-" in text and "due 2026-11-20 🆔" in text and "📅" not in text
    )
    assert "4 d. late" in text


def test_keeps_everything_outside_the_markers(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    before = (
        "# My agenda\n\nMy own words.\n\n"
        + BEGIN
        + "\nold stuff\n"
        + END
        + "\n\nAfter, mine too.\n"
    )
    vault.write("Agenda.md", before, raw=True)
    go(vault)
    after = vault.read("Agenda.md")
    assert after.startswith("# My agenda\n\nMy own words.\n\n" + BEGIN + "\n")
    assert after.endswith(END + "\n\nAfter, mine too.\n")
    assert "old stuff" not in after


def test_appends_markers_to_a_note_without_them(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    vault.write("Agenda.md", "# Mine\nno final newline", raw=True)
    go(vault)
    after = vault.read("Agenda.md")
    assert after.startswith("# Mine\nno final newline\n\n" + BEGIN)


def test_keeps_bom_and_crlf_of_the_agenda(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    (vault.root / "Agenda.md").write_bytes("\ufeff# Mine\r\n".encode())
    go(vault)
    data = (vault.root / "Agenda.md").read_bytes()
    assert data.startswith("\ufeff# Mine\r\n".encode())
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_an_agenda_of_a_bom_alone_gets_its_region_after_it(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    (vault.root / "Agenda.md").write_bytes("\ufeff".encode())
    go(vault)
    data = (vault.root / "Agenda.md").read_bytes()
    assert data.startswith(("\ufeff" + BEGIN + "\n").encode()) and data.endswith(b"%%\n")


def test_an_agenda_that_is_not_utf8_is_refused_with_its_line_and_left_alone(
    vault: Vault,
) -> None:
    """The agenda is checked a megabyte at a time (it is spliced as bytes): a Latin-1 byte
    past the first megabyte is found, named by its line, and nothing is written over it."""
    vault.write("Interviews/acme.md", ACME)
    filler = "- 📅 a line of my own\n" * 60_000  # 1.6 MB of UTF-8
    data = filler.encode() + "caf\xe9\n".encode("latin-1") + f"{BEGIN}\n{END}\n".encode()
    (vault.root / "Agenda.md").write_bytes(data)
    result = go(vault)
    assert not result.agenda_written
    assert (vault.root / "Agenda.md").read_bytes() == data
    problem = next(p for p in result.agenda.problems if p.path == "Agenda.md")
    assert problem.line == 60_001 and "not UTF-8" in problem.message


def test_damaged_markers_are_refused_and_the_note_left_alone(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    damaged = f"# Mine\n{BEGIN}\nhalf a region, no end\n"
    vault.write("Agenda.md", damaged, raw=True)
    result = go(vault)
    assert not result.agenda_written
    assert vault.read("Agenda.md") == damaged
    assert any(p.path == "Agenda.md" and p.line == 2 for p in result.agenda.problems)


def test_second_run_on_the_same_day_changes_no_byte(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    assert go(vault).agenda_written
    before = vault.snapshot()
    mtime = (vault.root / "Agenda.md").stat().st_mtime_ns
    assert not go(vault).agenda_written
    assert vault.snapshot() == before
    assert (vault.root / "Agenda.md").stat().st_mtime_ns == mtime


def test_next_day_moves_today_to_overdue(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME.replace("2026-11-20T14:00", "2026-11-24T14:00"))
    go(vault)
    assert "## Today\n- [ ] Email a thank-you" in vault.read("Agenda.md")
    go(vault, today=dt.date(2026, 11, 25))
    assert "## Overdue\n- [ ] Email a thank-you" in vault.read("Agenda.md")
    assert "1 d. late" in vault.read("Agenda.md")


def test_no_write_writes_nothing(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    before = vault.snapshot()
    result = go(vault, write=False)
    assert not result.agenda_written and vault.snapshot() == before
    assert "Email a thank-you" in result.region.decode()


def test_a_broken_note_is_a_problem_and_the_rest_still_runs(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    vault.write("Interviews/broken.md", ACME.replace("status: waiting", "status: [oops"))
    vault.write("Interviews/latin1.md", "", raw=True)
    (vault.root / "Interviews/latin1.md").write_bytes(
        b"---\ntype: interview\ncompany: Caf\xe9\n---\n"
    )
    before = vault.snapshot()
    result = go(vault)
    paths = {(p.path, p.line) for p in result.agenda.problems}
    assert ("Interviews/broken.md", 9) in paths
    assert ("Interviews/latin1.md", 3) in paths
    assert any(a.note == "Interviews/acme.md" for a in result.agenda.actions)
    text = vault.read("Agenda.md")
    assert "## Problems" in text and "`Interviews/broken.md` line 9" in text
    after = vault.snapshot()
    for refused in ("Interviews/broken.md", "Interviews/latin1.md"):
        assert after[refused] == before[refused]


def test_ordinary_notes_with_broken_yaml_are_not_reported(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    vault.write("Daily/today.md", "---\ntags: [daily\n---\nnot about the search\n", raw=True)
    assert go(vault).agenda.problems == ()


def test_person_links_resolve_by_name_anywhere(vault: Vault) -> None:
    vault.write("People/deep/Sam Roe.md", "---\nemail: sam@acme.com\nphone: '555'\n---\n")
    vault.write(
        "Interviews/acme.md",
        ACME.replace("  - Jane Doe <jane@acme.com>", '  - "[[Sam Roe]]"\n  - "[[Nobody Here]]"'),
    )
    result = go(vault, write=False)
    people = {a.person.name: a.person for a in result.agenda.actions if a.person}
    assert people["Sam Roe"].email == "sam@acme.com"
    assert people["Nobody Here"].email is None  # a missing person note is no error
    assert result.agenda.problems == ()


def test_links_use_the_path_when_the_name_is_ambiguous(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    vault.write("Archive/acme.md", "# old\n")
    go(vault)
    assert "[[Interviews/acme]]" in vault.read("Agenda.md")


def test_same_vault_and_day_give_the_same_bytes(vault: Vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    vault.write("Interviews/acme.md", ACME)
    vault.write("Interviews/globex.md", ACME.replace("Acme Corp", "Globex"))
    first = go(vault, write=False).region
    for _ in range(3):
        assert go(vault, write=False).region == first


def test_replace_region_is_pure_and_idempotent() -> None:
    text = "a\n" + BEGIN + "\nx\n" + END + "\nb"
    once = replace_region(text, "new")
    assert once == "a\n" + BEGIN + "\nnew\n" + END + "\nb"
    assert replace_region(once, "new") == once
    assert region_of(once) == "new\n"
    with pytest.raises(RegionError):
        replace_region(END + "\n" + BEGIN + "\n", "x")


def test_golden_sample_vault(sample: Vault) -> None:
    """The sample vault's agenda and one interview note after a run, byte for byte; a second
    run writes nothing. Regenerate with UPDATE_GOLDEN=1 after a deliberate change."""
    result = run(sample.root, today=None, clock=dt.date(1999, 1, 1), write=True)
    assert result.pinned and result.agenda.today == dt.date(2026, 11, 24)
    for rel, golden in GOLDEN.items():
        got = (sample.root / rel).read_bytes()
        if os.environ.get("UPDATE_GOLDEN"):
            golden.write_bytes(got)
        assert got == golden.read_bytes(), rel
    before = sample.snapshot()
    again = run(sample.root, today=None, clock=dt.date(1999, 1, 1), write=True)
    assert again.written == () and sample.snapshot() == before


def test_sample_vault_shows_every_kind(sample: Vault) -> None:
    from vaultfu.model import Kind

    result = run(sample.root, today=None, clock=dt.date(1999, 1, 1), write=False)
    kinds = {a.kind for a in result.agenda.actions}
    # `withdraw` follows an accepted offer, which ends the search: a vault in mid-search, as the
    # sample is, cannot show it beside the checks (test_playbook and test_replay do)
    assert kinds == set(Kind) - {Kind.WITHDRAW}, set(Kind) - kinds
    states = {a.state(result.agenda.today).value for a in result.agenda.actions}
    assert states == {"overdue", "today", "upcoming"}
    assert result.agenda.waiting and result.agenda.problems
    assert re.search(r"## Problems", result.region.decode())


# The day the agenda showed for a follow-up, read for one id from the region's bytes, is the day
# a reading of the whole region gives it (its last line that shows the id with a real day).
_SHOWN = re.compile(r"(?:· due |📅 )(\d{4}-\d{2}-\d{2}) 🆔 (vf-[0-9a-f]{10})")
_IDS = ("vf-0123456789", "vf-abcdefabcd", "vf-0000000000")


def _whole_region_reading(region: str) -> dict[str, dt.date]:
    found = {}
    for day, ident in _SHOWN.findall(region):
        with contextlib.suppress(ValueError):
            found[ident] = dt.date.fromisoformat(day)
    return found


_PIECES = st.sampled_from(
    [
        *(f"· due 2026-11-{d} 🆔 {i}" for d in ("24", "31", "05") for i in _IDS),
        *(f"📅 2026-12-0{d} 🆔 {i}" for d in "19" for i in _IDS),
        f"due 2026-11-24 🆔 {_IDS[0]}",  # no `·`: not how the agenda shows it
        f"🆔 {_IDS[1]}",
        f"{_IDS[2]}1",
        "- [ ] Email a thank-you · [[acme]] · email ",
        "\n",
        "\r\n",
        " ",
        "·",
        "é",
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=14))
def test_the_day_shown_for_one_id_is_the_whole_regions_reading(pieces: list[str]) -> None:
    region = "".join(pieces)
    expected = _whole_region_reading(region)
    for ident in _IDS:
        assert shown_due(region.encode("utf-8"), ident) == expected.get(ident), (region, ident)


def test_the_day_shown_is_that_of_the_last_line_with_a_real_day() -> None:
    a = _IDS[0]
    region = f"- [ ] x · due 2026-11-24 🆔 {a}\n- [ ] y · due 2026-11-31 🆔 {a}\n".encode()
    assert shown_due(region, a) == dt.date(2026, 11, 24)  # the 31st is no day: the 24th
    assert shown_due(region + f"📅 2026-12-01 🆔 {a}".encode(), a) == dt.date(2026, 12, 1)
    assert shown_due(region, _IDS[1]) is None


# The words the agenda showed for a follow-up, read back from its line, are the words of the
# note's task line without their draft link, whatever the text, the link (a wikilink, or a
# Markdown link for a name a wikilink cannot hold), the channel, the lateness and `agenda_dates`.
_WORDS = st.lists(
    st.sampled_from([*"ab ·[]()#|%:—é📅🆔", " · ", " · email", " · [x]", "](y)"]), max_size=12
).map("".join)


@settings(max_examples=2000, deadline=None)
@given(
    _WORDS.filter(lambda w: w.strip() == w and w != ""),
    st.sampled_from(["acme", "Acme [x] #1", "a|b", "2026-11-24 Acme · email"]),
    st.sampled_from(list(Channel)),
    st.integers(-3, 3),
    st.booleans(),
)
def test_the_words_shown_for_an_id_are_the_note_lines_words(
    text: str, name: str, channel: Channel, late: int, dates: bool
) -> None:
    due = dt.date(2026, 11, 24)
    action = Action("vf-0123456789", Kind.STATUS_CHECK, f"I/{name}.md", "A", "Acme", "Eng", due,
                    channel, text)  # fmt: skip
    line = task_line(action, due + dt.timedelta(days=late), name, dates)
    other = line.replace("0123456789", "abcdefabcd")
    region = f"## Today\n{line}\n{other} ✅ 2026-11-24\n".encode()
    assert shown_words(region, action.id) == task_words(action, None), line
    assert shown_words(region, "vf-abcdefabcd") is None  # a ticked line shows no words
    assert shown_words(region, "vf-0000000000") is None


def test_the_watchers_lines_are_rendered_once_per_action_and_day_and_link(vault: Vault) -> None:
    """The watcher keeps each action's agenda line between cycles (an application that did not
    change is planned into the same action objects): a line kept is used only for the same
    action, the same day and the same link, and the region is the same bytes."""
    from msgspec.structs import replace as replaced

    from vaultfu.agenda import Lines, region_bytes

    vault.write("Interviews/acme.md", ACME)
    agenda = go(vault, write=False).agenda
    assert agenda.actions
    lines: Lines = {}
    fresh = region_bytes(agenda, lambda rel: rel[:-3])
    assert region_bytes(agenda, lambda rel: rel[:-3], memo=lines) == fresh
    assert {v[0].id for v in lines.values()} == {a.id for a in agenda.actions}
    first = agenda.actions[0]
    lines[id(first)] = (*lines[id(first)][:4], "KEPT")
    assert b"KEPT" in region_bytes(agenda, lambda rel: rel[:-3], memo=lines)  # not rendered again
    lines[id(first)] = (*lines[id(first)][:4], "KEPT")
    later = replaced(agenda, today=agenda.today + dt.timedelta(days=1))
    assert region_bytes(later, lambda rel: rel[:-3], memo=lines) == region_bytes(
        later, lambda rel: rel[:-3]
    )
    region_bytes(agenda, lambda rel: rel[:-3], memo=lines)  # today's lines again
    lines[id(first)] = (*lines[id(first)][:4], "KEPT")
    moved = region_bytes(agenda, lambda rel: "Archive/" + rel[:-3], memo=lines)
    assert b"KEPT" not in moved and moved == region_bytes(agenda, lambda rel: "Archive/" + rel[:-3])
    copy = replaced(first)  # an equal action, another object: rendered, not taken
    region_bytes(agenda, lambda rel: rel[:-3], memo=lines)
    lines[id(first)] = (*lines[id(first)][:4], "KEPT")
    other = replaced(agenda, actions=(copy, *agenda.actions[1:]))
    assert b"KEPT" not in region_bytes(other, lambda rel: rel[:-3], memo=lines)
