"""git, for `--commit`: vaultfu's own writes are committed, in a plain state only, and
nothing of the user's is staged or committed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )


def git_state(root: Path, rels: list[str]) -> tuple[set[str], set[str]] | None:
    """Of these files, (those with changes git has not committed, those git does not track);
    None when the vault is not in a git work tree."""
    if _git(root, "rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
        return None
    changed: set[str] = set()
    untracked: set[str] = set()
    if not rels:
        return changed, untracked
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.strip()
    status = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *rels)
    for item in status.stdout.split("\0"):
        if len(item) > 3:
            rel = item[3:].removeprefix(prefix)
            (untracked if item.startswith("??") else changed).add(rel)
    return changed, untracked


_IN_PROGRESS = {
    "MERGE_HEAD": "a merge is in progress",
    "rebase-merge": "a rebase is in progress",
    "rebase-apply": "a rebase or `git am` is in progress",
    "CHERRY_PICK_HEAD": "a cherry-pick is in progress",
    "REVERT_HEAD": "a revert is in progress",
    "BISECT_LOG": "a bisect is in progress",
}


def git_busy(root: Path) -> str | None:
    """What the repository is in the middle of (a merge, a rebase, …), or None when it is in a
    plain state where vaultfu may commit."""
    asked = [arg for name in _IN_PROGRESS for arg in ("--git-path", name)]
    found = _git(root, "rev-parse", *asked)
    paths = found.stdout.splitlines()
    if found.returncode != 0 or len(paths) != len(_IN_PROGRESS):
        return "git cannot say what state the repository is in"
    for (_, reason), path in zip(_IN_PROGRESS.items(), paths, strict=True):
        full = Path(path) if os.path.isabs(path) else root / path
        if full.exists():
            return reason
    return None


def git_commit(root: Path, rels: list[str], message: str, *, hooks: bool = False) -> str | None:
    """Commit exactly these files (nothing else the user staged), without the repository's
    hooks unless `hooks`; returns the error, if any."""
    if not rels:
        return None
    added = _git(root, "add", "--", *rels)
    if added.returncode != 0:
        return added.stderr.strip().splitlines()[-1] if added.stderr.strip() else "git add failed"
    no_hooks = [] if hooks else ["-c", "core.hooksPath=/dev/null"]
    done = _git(root, *no_hooks, "commit", "--quiet", "--only", "-m", message, "--", *rels)
    if done.returncode != 0:
        text = (done.stderr or done.stdout).strip()
        return text.splitlines()[-1] if text else "git commit failed"
    return None
