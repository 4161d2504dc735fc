"""`python -m bench`: measure vaultfu against the floor, in one run, as ratios.

Figures (each the median of several runs): (a) the floor, reading every note's bytes; (b) a plain
python-frontmatter loop; (c) `vaultfu agenda --no-write` with an empty cache; (d) the same with a
warm cache; (e) `vaultfu watch`, from a saved note to the agenda rewritten, p50 and p95 over 50
saves; (f) the peak memory of (c) in its own process; (g) (c) on the mixed vault at 50,000 notes.
`--quick` runs everything on small vaults, to keep the benchmark working in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench.generate import TODAY, generate

DEBOUNCE = 0.03  # `vaultfu watch`'s default, in seconds


def vault_for(work: Path, kind: str, notes: int) -> Path:
    """A generated vault, made once per (kind, size) and kept in the work folder."""
    root = work / f"{kind}-{notes}"
    stamp = root / ".bench-complete"
    if not stamp.exists():
        shutil.rmtree(root, ignore_errors=True)
        generate(root, notes=notes, kind=kind)
        old = 1_700_000_000_000_000_000  # every note last changed long before any cache
        for folder, _, files in os.walk(root):
            for name in files:
                os.utime(os.path.join(folder, name), ns=(old, old))
        stamp.write_text("ok")
    return root


def notes_of(root: Path) -> list[str]:
    """Every note vaultfu reads: Markdown files outside hidden folders."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [os.path.join(folder, n) for n in files if n.endswith(".md")]
    return found


def median_time(
    fn: Callable[[], object], repeat: int, before: Callable[[], object] = lambda: None
) -> float:
    """The median of `repeat` timed runs, after one untimed run that warms the page cache."""
    before()
    fn()
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def floor(root: Path) -> None:
    for path in notes_of(root):
        with open(path, "rb") as handle:
            handle.read()


def frontmatter_loop(root: Path) -> None:
    import frontmatter

    for path in notes_of(root):
        frontmatter.load(path)


def agenda_no_write(root: Path) -> None:
    """`vaultfu agenda --no-write`, in this process, its terminal output thrown away."""
    from vaultfu.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        main(
            ["agenda", str(root), "--no-write", "--today", TODAY.isoformat()], standalone_mode=False
        )


def fresh_cache() -> None:
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="vaultfu-bench-cache-")


def peak_memory_mb(root: Path) -> float:
    """Peak RSS of `vaultfu agenda --no-write`, cold, in a process of its own."""
    env = {**os.environ, "XDG_CACHE_HOME": tempfile.mkdtemp(prefix="vaultfu-bench-cache-")}
    code = (
        "import sys\n"
        "from vaultfu.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['agenda', {str(root)!r}, '--no-write', '--today', {TODAY.isoformat()!r}],"
        " standalone_mode=False)\n"
        # VmHWM is this process's own peak; ru_maxrss would include the RSS that a forked
        # child inherits from this (large) benchmark process before its exec.
        "status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
        "print(status)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def process_seconds(root: Path) -> float:
    """The whole command as a user runs it (interpreter start-up and imports included)."""
    env = {**os.environ, "XDG_CACHE_HOME": tempfile.mkdtemp(prefix="vaultfu-bench-cache-")}
    args = [
        sys.executable,
        "-m",
        "vaultfu",
        "agenda",
        str(root),
        "--no-write",
        "--today",
        TODAY.isoformat(),
    ]
    start = time.perf_counter()
    subprocess.run(args, capture_output=True, env=env, check=True)
    return time.perf_counter() - start


def watch_latency(root: Path, saves: int) -> tuple[float, float]:
    """Save a note (its decision date moves, so the agenda must change) and time until the
    agenda note is rewritten, with the watcher's default settings."""
    from vaultfu.watch import Watcher

    watcher = Watcher(root, clock=lambda: TODAY, today=TODAY, debounce=DEBOUNCE)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    watcher.ready.wait(600)
    agenda = root / "Agenda.md"
    target = next(
        p for p in sorted((root / "Interviews").rglob("*.md")) if "status: waiting" in p.read_text()
    )
    original = target.read_text()
    latencies = []
    try:
        for i in range(saves):
            before = agenda.read_bytes()
            day = TODAY + dt.timedelta(days=30 + i)
            text = original.replace(
                "status: waiting", f"status: waiting\nfollow_up_on: {day.isoformat()}"
            )
            start = time.perf_counter()
            target.write_text(text)
            while agenda.read_bytes() == before:
                if time.perf_counter() - start > 30:
                    raise RuntimeError("the watcher did not rewrite the agenda in 30 s")
                time.sleep(0.001)
            latencies.append(time.perf_counter() - start)
            time.sleep(0.15)  # let the burst settle, as between two real saves
    finally:
        stop.set()
        thread.join(30)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    return statistics.median(latencies), p95


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small vaults, one run each (CI)")
    parser.add_argument("--work", type=Path, default=None, help="where to keep generated vaults")
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args()
    notes, big, repeat, saves = (600, 1500, 1, 5) if args.quick else (10_000, 50_000, 5, 50)
    repeat = args.repeat or repeat
    work = args.work or Path(tempfile.gettempdir()) / "vaultfu-bench"
    work.mkdir(parents=True, exist_ok=True)

    mixed = vault_for(work, "mixed", notes)
    interviews = vault_for(work, "interviews", notes)
    large = vault_for(work, "mixed", big)
    size = sum(os.path.getsize(p) for p in notes_of(mixed)) / 1e6

    rows: list[tuple[str, str, str]] = []

    def row(name: str, value: str, ratio: str = "") -> None:
        rows.append((name, value, ratio))
        print(f"{name:<52} {value:>12} {ratio:>10}", flush=True)

    print(
        f"vaultfu bench · {dt.date.today()} · {platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · mixed {notes} notes, {size:.1f} MB"
    )
    floor_s = median_time(lambda: floor(mixed), repeat)
    row("(a) floor: read every note's bytes (mixed)", f"{floor_s:.3f} s", "1.0×")
    fm_s = median_time(lambda: frontmatter_loop(mixed), repeat)
    row("(b) plain python-frontmatter loop (mixed)", f"{fm_s:.3f} s", f"{fm_s / floor_s:.1f}×")
    cold = median_time(lambda: agenda_no_write(mixed), repeat, before=fresh_cache)
    row("(c) agenda --no-write, empty cache (mixed)", f"{cold:.3f} s", f"{cold / floor_s:.1f}×")
    fresh_cache()
    agenda_no_write(mixed)
    warm = median_time(lambda: agenda_no_write(mixed), repeat)
    row("(d) agenda --no-write, warm cache (mixed)", f"{warm:.3f} s", f"{warm / floor_s:.1f}×")
    floor_i = median_time(lambda: floor(interviews), repeat)
    fm_i = median_time(lambda: frontmatter_loop(interviews), repeat)
    cold_i = median_time(lambda: agenda_no_write(interviews), repeat, before=fresh_cache)
    row("    all-interviews: floor", f"{floor_i:.3f} s", "1.0×")
    row("    all-interviews: python-frontmatter loop", f"{fm_i:.3f} s", f"{fm_i / floor_i:.1f}×")
    row("    all-interviews: agenda, empty cache", f"{cold_i:.3f} s", f"{cold_i / floor_i:.1f}×")
    row("    all-interviews: agenda / frontmatter loop", "", f"{cold_i / fm_i:.2f}×")
    copy = work / "watch-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(mixed, copy)
    p50, p95 = watch_latency(copy, saves)
    row(f"(e) watch: save → agenda written, p50 of {saves}", f"{p50 * 1000:.0f} ms")
    row(f"    watch: save → agenda written, p95 of {saves}", f"{p95 * 1000:.0f} ms")
    row("(f) peak memory, agenda, empty cache (mixed)", f"{peak_memory_mb(mixed):.0f} MB")
    big_floor = median_time(lambda: floor(large), max(1, repeat // 2))
    big_cold = median_time(lambda: agenda_no_write(large), max(1, repeat // 2), before=fresh_cache)
    row(f"(g) mixed {big}: floor", f"{big_floor:.3f} s", "1.0×")
    row(
        f"    mixed {big}: agenda, empty cache", f"{big_cold:.3f} s", f"{big_cold / big_floor:.1f}×"
    )
    row(f"    mixed {big} vs {notes}, empty cache", "", f"{big_cold / cold:.1f}×")
    row("    the whole command in its own process (mixed, cold)", f"{process_seconds(mixed):.3f} s")


if __name__ == "__main__":
    main()
