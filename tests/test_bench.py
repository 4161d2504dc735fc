"""The benchmark keeps working: its quick mode runs end to end and prints every figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

FIGURES = [
    "(a) floor, mixed 600",
    "(b) python-frontmatter loop, mixed 600",
    "(c) agenda --json, empty cache, mixed 600",
    "(d) agenda --json, warm cache, mixed 600",
    "(c) agenda --json, empty cache, all-interviews 1,500",
    "(f) peak memory",
    "(g) mixed: 1,500 vs 600, empty cache, the rows above",
    "(g) mixed: 1,500 vs 600, empty cache, alternated",
    "(g) all-interviews: 1,500 vs 600, empty cache, the rows above",
    "(g) all-interviews: 1,500 vs 600, empty cache, alternated",
    "(e) watch: save → agenda written, p50",
    "watch: save → agenda written, p95",
]


def test_bench_quick_prints_every_figure(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--work", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    for figure in FIGURES:
        assert figure in out, figure
    assert "×" in out and " ms" in out and " MB" in out


def test_generator_is_deterministic(tmp_path: Path) -> None:
    from bench.generate import generate

    generate(tmp_path / "a", notes=120)
    generate(tmp_path / "b", notes=120)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.md"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.md"))
    assert files_a == files_b and len(files_a) == 120
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files_a
    )
