"""`python -m bench`: measure vaultfu as a user meets it, against the floor, in one run.

Every figure is a whole new process (interpreter start-up and imports included) on the real
clock, never a pinned day, timed from outside; each is the median of several runs after one
untimed run that warms the page cache, with the spread (fastest–slowest). The floor is a Python
process that reads every note's bytes. vaultfu runs on a settled copy of each generated vault
(one `vaultfu agenda` has written its tasks and drafts, as on any day after the first), so that
every timed run is the same run.

Figures: (a) the floor; (b) a plain python-frontmatter loop; (c) `vaultfu agenda --json`, empty
cache; (d) the same, warm cache, nothing changed since the last run (answered from its record,
see `vaultfu/settled.py`); (d2) the same, one interview note saved since (so the notes are
planned again, from the cache); the same on an all-interviews vault; (e) `vaultfu watch`,
a save to the agenda written, p50 and p95; (f) the peak memory of (c), and of the largest
child process it forked to read; (g) (c) at 50,000 notes against 10,000, mixed and
all-interviews: from the rows above, and from runs of the two sizes alternated. `--quick`
runs everything on small vaults, to keep it working in CI.

vaultfu's bytecode is compiled first, as `pip install` does: a checkout installed editable under
PYTHONDONTWRITEBYTECODE would otherwise compile every module on every run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.generate import generate

FLOOR = """
import os, sys
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.endswith(".md"):
            with open(os.path.join(folder, name), "rb") as handle:
                handle.read()
"""
FRONTMATTER = """
import os, sys
import frontmatter
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.endswith(".md"):
            frontmatter.load(os.path.join(folder, name))
"""
PEAK = """
import atexit, resource, runpy, sys
def peak():
    status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB, the largest child
    sys.stderr.write(f"VmHWM {status} child {child}\\n")
atexit.register(peak)
sys.argv = ["vaultfu", *sys.argv[1:]]
runpy.run_module("vaultfu", run_name="__main__")
"""


def vault_for(work: Path, kind: str, notes: int) -> Path:
    """A generated vault, made once per (kind, size) and kept in the work folder, then a settled
    copy of it: the copy is the one measured."""
    root = work / f"{kind}-{notes}"
    stamp = root / ".bench-complete"
    if not stamp.exists():
        shutil.rmtree(root, ignore_errors=True)
        generate(root, notes=notes, kind=kind)
        stamp.write_text("ok")
    settled = work / f"{kind}-{notes}-settled-{dt.date.today()}"
    if not (settled / ".bench-settled").exists():
        shutil.rmtree(settled, ignore_errors=True)
        shutil.copytree(root, settled)
        vaultfu("agenda", str(settled), cache=tempfile.mkdtemp(prefix="vaultfu-bench-"))
        old = 1_700_000_000_000_000_000  # every note last changed long before any cache
        for folder, _, files in os.walk(settled):
            for name in files:
                os.utime(os.path.join(folder, name), ns=(old, old))
        (settled / ".bench-settled").write_text("ok")
    return settled


def python(code: str, *args: str, cache: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if cache is not None:
        env["XDG_CACHE_HOME"] = cache
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    )


def vaultfu(*args: str, cache: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it (the real clock: no --today)."""
    env = {**os.environ, "XDG_CACHE_HOME": cache}
    return subprocess.run(
        [sys.executable, "-m", "vaultfu", *args], capture_output=True, text=True, env=env
    )


def timed(
    fn: Callable[[], object], repeat: int, before: Callable[[], object] = lambda: None
) -> list[float]:
    """`repeat` timed runs after one untimed run that warms the page cache."""
    before()
    fn()
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def alternated(
    work: Path, kind: str, notes: int, big: int, repeat: int
) -> tuple[list[float], list[float]]:
    """Cold runs of the two sizes one after the other, `repeat` times each: a ratio of runs
    made minutes apart also measures how the machine's speed drifted in between."""
    roots = (vault_for(work, kind, notes), vault_for(work, kind, big))
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for root, found in zip(roots, times, strict=True):
            cache = tempfile.mkdtemp(prefix="vaultfu-bench-")
            start = time.perf_counter()
            vaultfu("agenda", "--json", str(root), cache=cache)
            found.append(time.perf_counter() - start)
            shutil.rmtree(cache, ignore_errors=True)
    return times


def watch_latency(root: Path, saves: int) -> tuple[float, float]:
    """`vaultfu watch` in its own process, with its defaults and the real clock: a note is
    saved (its follow-up date moves, so the agenda must change) and the time until the agenda
    note is rewritten is taken, from outside."""
    cache = tempfile.mkdtemp(prefix="vaultfu-bench-")
    env = {**os.environ, "XDG_CACHE_HOME": cache}
    process = subprocess.Popen(
        [sys.executable, "-m", "vaultfu", "watch", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    agenda = root / "Agenda.md"
    target = next(
        p for p in sorted((root / "Interviews").rglob("*.md")) if "status: waiting" in p.read_text()
    )
    original = target.read_text()

    def written() -> tuple[int, int, int]:
        """The agenda file's identity and stamp: a `stat`, not a read of its bytes, so that
        watching for the write takes next to no CPU from the watcher (two cores)."""
        info = agenda.stat()
        return info.st_ino, info.st_mtime_ns, info.st_size

    def save(i: int, limit: float) -> float:
        before = written()
        day = dt.date.today() + dt.timedelta(days=30 + i)
        text = original.replace(
            "status: waiting", f"status: waiting\nfollow_up_on: {day.isoformat()}", 1
        )
        start = time.perf_counter()
        target.write_text(text)
        while written() == before:
            if time.perf_counter() - start > limit:
                raise RuntimeError(f"the watcher did not rewrite the agenda in {limit:.0f} s")
            time.sleep(0.0005)
        return time.perf_counter() - start

    latencies = []
    try:
        assert process.stderr is not None
        process.stderr.readline()  # "watching …": the first scan follows
        save(-1, 600)  # the first save: answered once the first scan is done
        time.sleep(0.3)
        for i in range(saves):
            latencies.append(save(i, 30))
            time.sleep(0.15)  # as between two real saves
    finally:
        process.terminate()
        process.wait(30)
        target.write_text(original)
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
    spec = importlib.util.find_spec("vaultfu")  # the vaultfu this Python runs
    assert spec is not None and spec.submodule_search_locations is not None
    package = spec.submodule_search_locations[0]
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)

    def row(name: str, times: list[float] | str, ratio: str = "") -> float:
        if isinstance(times, str):
            print(f"{name:<50} {times:>10} {'':>15} {ratio:>7}", flush=True)
            return 0.0
        middle = statistics.median(times)
        spread = f"{min(times):.3f}–{max(times):.3f}" if len(times) > 1 else ""
        print(f"{name:<50} {middle:>8.3f} s {spread:>15} {ratio:>7}", flush=True)
        return middle

    print(
        f"vaultfu bench · {dt.date.today()} · {platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · whole processes, the real clock · median of "
        f"{repeat} (fastest–slowest)"
    )
    results: dict[str, float] = {}
    for kind, label in (("mixed", "mixed"), ("interviews", "all-interviews")):
        for size in (notes, big):
            root = vault_for(work, kind, size)
            name = f"{label} {size:,}"
            cache = tempfile.mkdtemp(prefix="vaultfu-bench-")

            def fresh(cache: str = cache) -> None:
                shutil.rmtree(cache, ignore_errors=True)

            where = str(root)

            def agenda(where: str = where, cache: str = cache) -> object:
                return vaultfu("agenda", "--json", where, cache=cache)

            floor = row(f"(a) floor, {name}", timed(lambda: python(FLOOR, where), repeat))  # noqa: B023
            loop = row(
                f"(b) python-frontmatter loop, {name}",
                timed(lambda: python(FRONTMATTER, where), repeat),  # noqa: B023
            )
            cold = timed(agenda, repeat, fresh)
            cold_s = row(
                f"(c) agenda --json, empty cache, {name}",
                cold,
                f"{statistics.median(cold) / floor:.1f}×",
            )
            agenda()
            warm = timed(agenda, repeat)
            row(
                f"(d) agenda --json, warm cache, {name}",
                warm,
                f"{statistics.median(warm) / floor:.1f}×",
            )
            saved = next((root / "Interviews").rglob("*.md"))

            def save(saved: Path = saved) -> None:  # a save that changes no byte
                os.utime(saved)

            one = timed(agenda, repeat, save)
            row(
                f"(d2) agenda --json, one note saved, {name}",
                one,
                f"{statistics.median(one) / floor:.1f}×",
            )
            row(f"    (c) / (b), {name}", "", f"{cold_s / loop:.2f}×")
            results[f"{kind}-{size}"] = cold_s
            if size == notes and kind == "mixed":
                fresh()
                out = python(PEAK, "agenda", "--json", str(root), cache=cache).stderr
                peak = int(out.split("VmHWM")[1].split()[0]) / 1024
                child = int(out.split(" child ")[1].split()[0]) / 1024
                row(
                    f"(f) peak memory, agenda, empty cache, {name}",
                    f"{peak:.0f} MB (a child {child:.0f} MB)",
                )
    for kind, label in (("mixed", "mixed"), ("interviews", "all-interviews")):
        ratio = results[f"{kind}-{big}"] / results[f"{kind}-{notes}"]
        row(f"(g) {label}: {big:,} vs {notes:,}, empty cache, the rows above", "", f"{ratio:.2f}×")
        small, large = alternated(work, kind, notes, big, repeat)
        row(
            f"(g) {label}: {big:,} vs {notes:,}, empty cache, alternated",
            f"{statistics.median(large):.3f} s vs {statistics.median(small):.3f} s",
            f"{statistics.median(large) / statistics.median(small):.2f}×",
        )
    copy = work / "watch-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(vault_for(work, "mixed", notes), copy)
    p50, p95 = watch_latency(copy, saves)
    row(f"(e) watch: save → agenda written, p50 of {saves}", f"{p50 * 1000:.0f} ms")
    row(f"    watch: save → agenda written, p95 of {saves}", f"{p95 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
