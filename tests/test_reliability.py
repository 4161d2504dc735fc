"""The adversarial suite: hostile notes, odd files, a full disk, read-only files, kills, links.

Every case runs the real thing on real files; `slow` cases (SIGKILL at 500 moments, 10,000
generated notes) run in CI too."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from vaultfu import vault as disk
from vaultfu.engine import run
from vaultfu.model import RunResult

from .conftest import ACME, ROOT, TODAY, Vault, git

CORPUS = ROOT / "tests" / "corpus"


def go(v: Vault) -> RunResult:
    return run(v.root, today=TODAY, clock=dt.date(2000, 1, 1), write=True)


def cli(root: Path, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vaultfu", "agenda", str(root), "--today", "2026-11-24", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        **kw,  # type: ignore[call-overload]
    )


def temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(disk.TMP_SUFFIX)]


# -- the corpus -------------------------------------------------------------------------------


def test_the_hostile_corpus_is_listed_and_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "v"
    shutil.copytree(CORPUS, root / "Interviews")
    notes = sorted(p.name for p in CORPUS.glob("*.md"))
    assert len(notes) >= 60
    before = {p: p.read_bytes() for p in (root / "Interviews").iterdir()}
    done = cli(root, "--json")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    problems = json.loads(done.stdout)["problems"]
    assert sorted(p["path"].removeprefix("Interviews/") for p in problems) == notes
    assert all("\n" not in p["message"] and p["message"] for p in problems)
    assert all(p["line"] is None or p["line"] >= 1 for p in problems)
    assert {p: p.read_bytes() for p in (root / "Interviews").iterdir()} == before
    assert temp_files(root) == []


def synced(vault: Vault) -> str:
    """A vault in git with one interview note, after a first run: the note's path."""
    vault.write("Interviews/acme.md", ACME)
    git(vault.root, "init", "-q", "-b", "main")
    go(vault)
    git(vault.root, "add", "-A")
    git(vault.root, "commit", "-qm", "day one")
    return "Interviews/acme.md"


def test_a_note_git_left_in_a_merge_conflict_is_left_alone_until_resolved(vault: Vault) -> None:
    """The vault synced by git: vaultfu's line ticked on one machine, reworded on the other,
    and the merge stops on the conflict. vaultfu writes nothing into the note (a line it added
    could land in the side the user drops), lists it with the line of its `<<<<<<<`, and goes
    on once the user resolved it."""
    rel = synced(vault)
    line = next(x for x in vault.read(rel).split("\n") if x.startswith("- [ ] Email a thank"))
    git(vault.root, "checkout", "-qb", "laptop")
    vault.write(rel, vault.read(rel).replace(line, line.replace("[ ]", "[x]") + " ✅ 2026-11-24"))
    git(vault.root, "commit", "-qam", "sent it")
    git(vault.root, "checkout", "-q", "main")
    vault.write(
        rel, vault.read(rel).replace(line, line.replace(" · email", " (call first) · email"))
    )
    git(vault.root, "commit", "-qam", "a word")
    assert git(vault.root, "merge", "laptop", check=False).returncode != 0
    conflicted = (vault.root / rel).read_bytes()
    marker = conflicted.decode().split("\n").index("<<<<<<< HEAD") + 1
    result = go(vault)
    assert (vault.root / rel).read_bytes() == conflicted
    (problem,) = [p for p in result.agenda.problems if p.path == rel]
    assert problem.line == marker and "merge conflict" in problem.message
    assert rel not in result.written
    git(vault.root, "checkout", "--theirs", rel)  # the user takes the laptop's side
    go(vault)
    assert not [p for p in go(vault).agenda.problems if p.path == rel]
    assert line.replace("[ ]", "[x]") + " ✅ 2026-11-24" in vault.read(rel)
    assert go(vault).written == ()


def test_a_merge_conflict_in_the_agendas_region_is_resolved_ticks_first(vault: Vault) -> None:
    """A box ticked in the agenda on one machine while the other ran vaultfu on a later day:
    git stops on the agenda's region. The next run carries the tick to its note, then writes
    the region anew, which resolves the conflict; a conflict that splits the region's markers
    leaves the agenda unwritten."""
    rel = synced(vault)
    agenda = vault.read("Agenda.md")
    line = next(x for x in agenda.split("\n") if x.startswith("- [ ] Email a thank"))
    ident = line.rsplit(" ", 1)[1]
    git(vault.root, "checkout", "-qb", "laptop")
    vault.write("Agenda.md", agenda.replace(line, line.replace("[ ]", "[x]") + " ✅ 2026-11-24"))
    git(vault.root, "commit", "-qam", "ticked")
    git(vault.root, "checkout", "-q", "main")
    run(vault.root, today=TODAY + dt.timedelta(days=2), clock=dt.date(2000, 1, 1), write=True)
    git(vault.root, "commit", "-qam", "two days later")
    assert git(vault.root, "merge", "laptop", check=False).returncode != 0
    assert "<<<<<<< HEAD" in vault.read("Agenda.md")
    split = vault.read("Agenda.md").replace(
        "%% vaultfu:begin %%",
        "<<<<<<< HEAD\n%% vaultfu:begin %%\n=======\n>>>>>>> x\n%% vaultfu:begin %%",
    )
    later = TODAY + dt.timedelta(days=2)
    run(vault.root, today=later, clock=dt.date(2000, 1, 1), write=True)
    now = vault.read("Agenda.md")
    assert "<<<<<<<" not in now and ">>>>>>>" not in now and "=======" not in now
    assert now.count("%% vaultfu:begin %%") == 1
    ticked = next(x for x in vault.read(rel).split("\n") if ident in x)
    assert ticked.startswith("- [x] ") and ticked.endswith("✅ 2026-11-24")
    assert run(vault.root, today=later, clock=dt.date(2000, 1, 1), write=True).written == ()
    vault.write("Agenda.md", split)
    result = run(vault.root, today=later, clock=dt.date(2000, 1, 1), write=True)
    assert vault.read("Agenda.md") == split
    assert any(p.path == "Agenda.md" and "markers" in p.message for p in result.agenda.problems)


# -- odd files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "refused"),
    [
        ("empty.md", b"", False),
        ("only-rule.md", b"---", False),
        ("only-rules.md", b"---\n---\n", False),
        ("nul-in-body.md", ACME.encode() + b"a\x00b\n", False),
        ("tabs.md", ACME.replace("Notes.", "\tindented\twith tabs").encode(), False),
        ("cr-only.md", ACME.replace("\n", "\r").encode(), False),
        ("mixed.md", ACME.replace("role", "role").replace("\n", "\r\n", 3).encode(), False),
        ("no-final-newline.md", ACME.rstrip("\n").encode(), False),
        ("huge.md", ACME.encode() + b"x" * 20_000_000 + b"\n", True),
        ("invalid-utf8.md", ACME.encode() + b"\xff\xfe\n", True),
    ],
)
def test_odd_files_are_processed_or_refused_never_altered_when_refused(
    vault: Vault, name: str, data: bytes, refused: bool
) -> None:
    path = vault.root / "Interviews" / name
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    result = go(vault)
    problems = [p for p in result.agenda.problems if p.path.endswith(name)]
    if refused:
        assert len(problems) == 1 and "\n" not in problems[0].message
        assert path.read_bytes() == data
    else:
        assert problems == []
        after = path.read_bytes()
        assert after.startswith(data)  # insertions only, if it was an interview at all
        assert not go(vault).written  # and a second run writes nothing


# -- a full disk, read-only files -------------------------------------------------------------


def _small_files_only(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_leaves_the_original_and_the_rest_goes_on(vault: Vault) -> None:
    big = ACME.replace("Notes.", "Notes.\n" + "long notes\n" * 30_000)
    vault.write("Interviews/big.md", big)
    vault.write("Interviews/small.md", ACME.replace("Acme Corp", "Globex"))
    done = cli(vault.root, preexec_fn=lambda: _small_files_only(200_000))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert vault.read("Interviews/big.md") == big.lstrip("\n")  # intact
    assert "Interviews/big.md:" in done.stdout and "cannot be written" in done.stdout
    assert "- [ ] Email a thank-you" in vault.read("Interviews/small.md")  # the rest went on
    assert temp_files(vault.root) == []


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Really read-only, for root too: the immutable attribute; chmod for everyone else."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


@pytest.mark.parametrize("what", ["note", "folder"])
def test_a_read_only_note_or_folder(vault: Vault, what: str) -> None:
    vault.write("Locked/acme.md", ACME)
    vault.write("Interviews/globex.md", ACME.replace("Acme Corp", "Globex"))
    locked = vault.root / "Locked" / "acme.md" if what == "note" else vault.root / "Locked"
    with read_only(locked):
        result = go(vault)
        assert vault.read("Locked/acme.md") == ACME.lstrip("\n")
        (problem,) = [p for p in result.agenda.problems if p.path == "Locked/acme.md"]
        assert "cannot be written" in problem.message and "\n" not in problem.message
        assert "- [ ] Email a thank-you" in vault.read("Interviews/globex.md")
        assert temp_files(vault.root) == []


# -- links and names --------------------------------------------------------------------------


def test_links_and_names(vault: Vault, tmp_path: Path) -> None:
    names = [
        "with spaces.md",
        "ünïcødé – 面接.md",
        "C# role [draft].md",
        ("long " * 40).strip() + ".md",
        "Case.md",
        "case.md",
    ]
    for i, name in enumerate(names):
        vault.write(f"Interviews/{name}", ACME.replace("Acme Corp", f"Company {i}"))
    (vault.root / "Interviews" / "loop-a.md").symlink_to("loop-b.md")
    (vault.root / "Interviews" / "loop-b.md").symlink_to("loop-a.md")
    outside = tmp_path / "outside.md"
    outside.write_text(ACME.replace("Acme Corp", "Outside").lstrip("\n"))
    (vault.root / "Interviews" / "outside-link.md").symlink_to(outside)
    result = go(vault)
    for i, name in enumerate(names):
        assert "- [ ] Email a thank-you" in vault.read(f"Interviews/{name}"), name
        assert f"Company {i}" in vault.read("Agenda.md")
    assert outside.read_text() == ACME.replace("Acme Corp", "Outside").lstrip("\n")
    assert any(p.path == "Interviews/outside-link.md" for p in result.agenda.problems)
    assert not go(vault).written


# -- crash safety -----------------------------------------------------------------------------

WRITER = """
import sys, itertools
from pathlib import Path
from vaultfu import vault
root = Path(sys.argv[1])
contents = [b"A" * 50_000 + b"\\n", b"B" * 70_000 + b"\\n"]
print("ready", flush=True)
for i in itertools.count():
    snap = vault.read(root, "n.md")
    vault.write(root, snap, contents[1] if snap.data == contents[0] else contents[0])
"""


@pytest.mark.slow
def test_sigkill_at_500_random_moments(tmp_path: Path) -> None:
    contents = {b"A" * 50_000 + b"\n", b"B" * 70_000 + b"\n"}
    (tmp_path / "n.md").write_bytes(b"A" * 50_000 + b"\n")
    rng = random.Random(500)
    left_behind = 0
    for _ in range(500):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)],
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        import time

        time.sleep(rng.uniform(0, 0.02))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert (tmp_path / "n.md").read_bytes() in contents  # old or new, never a mix
        left_behind += len(temp_files(tmp_path))
        found: list[str] = []
        list(disk.scan(tmp_path, found))
        disk.sweep(tmp_path, found, older_than=0)
        assert temp_files(tmp_path) == []
    print(f"500 kills; temporary files left by a kill and swept: {left_behind}")


# -- races ------------------------------------------------------------------------------------

SAVER = """
import random, re, sys, time
path, seconds = sys.argv[1], float(sys.argv[2])
base = open(path, encoding="utf-8").read()
end = time.monotonic() + seconds
n = lost = 0
while time.monotonic() < end:
    seen = re.findall(r"^saved (\\d+)$", open(path, encoding="utf-8").read(), re.M)
    if n and seen != [str(n)]:  # replaced: is it put back, as vaultfu promises?
        time.sleep(0.05)
        seen = re.findall(r"^saved (\\d+)$", open(path, encoding="utf-8").read(), re.M)
        lost += seen != [str(n)]  # the note no longer holds this program's last save
    n += 1
    with open(path, "w", encoding="utf-8") as handle:  # saved in place, as many editors do
        handle.write(base + f"\\nsaved {n}\\n")
    time.sleep(random.uniform(0, 0.003))  # a tight loop, with room for vaultfu now and then
print(n, lost)
"""


@pytest.mark.slow
def test_another_program_saving_in_a_tight_loop_loses_no_save(vault: Vault) -> None:
    vault.write("Interviews/acme.md", ACME)
    path = vault.root / "Interviews/acme.md"
    saver = subprocess.Popen(
        [sys.executable, "-c", SAVER, str(path), "10"], stdout=subprocess.PIPE, text=True
    )
    runs = written = refused = 0
    while saver.poll() is None:
        result = go(vault)
        runs += 1
        written += "Interviews/acme.md" in result.written
        refused += any(p.path == "Interviews/acme.md" for p in result.agenda.problems)
    last, lost = map(int, saver.communicate()[0].split())
    assert lost == 0  # no save of the other program was ever replaced by vaultfu
    final = path.read_text(encoding="utf-8")
    assert f"\nsaved {last}\n" in final  # the other program's last save is there
    assert final.startswith(ACME.lstrip("\n"))
    go(vault)  # and once it stops, vaultfu's follow-ups land on top of it
    assert f"\nsaved {last}\n" in vault.read("Interviews/acme.md")
    assert "- [ ] Email a thank-you" in vault.read("Interviews/acme.md")
    assert temp_files(vault.root) == []
    print(
        f"race: {last} saves by the other program, {runs} vaultfu runs, "
        f"{written} wrote the note, {refused} left it and said so"
    )
