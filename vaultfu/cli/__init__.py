"""The command line: the only module that imports click and reads the clock.

Every command is: open the vault, call one engine function, map errors to one line and an exit
code (0 ok, 2 usage or vault/config error)."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from .. import __version__
from ..errors import VaultfuError

if TYPE_CHECKING:
    from ..model import RunResult
    from ..wanted import Request

F = TypeVar("F", bound=Callable[..., object])


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def locate(explicit: Path | None) -> Path:
    """The vault: `--vault`/PATH, else $VAULTFU_VAULT, else the nearest folder from here up
    that holds `.vaultfu.toml` or `.obsidian/`."""
    from .. import vault
    from ..errors import VaultError

    if explicit is not None:
        return explicit
    if os.environ.get("VAULTFU_VAULT"):
        return Path(os.environ["VAULTFU_VAULT"])
    found = vault.find_root(Path.cwd())
    if found is None:
        raise VaultError(
            "no vault here: no .vaultfu.toml or .obsidian/ in this folder or any folder above "
            "it (give --vault PATH, set VAULTFU_VAULT, or run `vaultfu init`)"
        )
    return found


def echo_json(data: object) -> None:
    """JSON on stdout: indented for a person at a terminal, compact for a program (and fast:
    the compact form is msgspec's, the same bytes as `json.dumps(ensure_ascii=False,
    separators=(",", ":"))` in a fifth of the time)."""
    if sys.stdout.isatty():
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        from ..cache import dumps

        click.echo(dumps(data))  # bytes, to the binary stream: never decoded into a string


def _fail(exc: VaultfuError) -> NoReturn:
    click.echo(f"vaultfu: {exc}", err=True)
    raise SystemExit(2)


def _inside(root: Path, note: Path) -> Path:
    """NOTE (absolute, or from the current folder) as a path inside the vault ROOT."""
    try:
        return (note if note.is_absolute() else Path.cwd() / note).resolve().relative_to(root)
    except ValueError:
        raise click.UsageError(f"{note} is not inside the vault {root}") from None


def vault_path(func: F) -> F:
    """`[PATH]` or `--vault PATH`; else found as `locate` says."""

    @click.argument("path", required=False, type=click.Path(path_type=Path))
    @click.option("--vault", "vault_opt", type=click.Path(path_type=Path), help="The vault folder.")
    @functools.wraps(func)
    def wrapper(
        *args: object, path: Path | None, vault_opt: Path | None, **kwargs: object
    ) -> object:
        if path is not None and vault_opt is not None and path != vault_opt:
            raise click.UsageError("give the vault once: PATH or --vault, not both")
        try:
            root = locate(path or vault_opt)
        except VaultfuError as exc:
            _fail(exc)
        return func(*args, root=root, **kwargs)

    return wrapper  # type: ignore[return-value]


def errors_to_exit(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: object, **kwargs: object) -> object:
        try:
            return func(*args, **kwargs)
        except VaultfuError as exc:
            _fail(exc)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vaultfu")
def main() -> None:
    """Interview follow-ups, on time, inside your Markdown vault."""


def run() -> None:
    """The `vaultfu` command. A run is short and makes few reference cycles, so the cyclic
    garbage collector is off: its full passes over every note read made large vaults slower
    than linear (at 50,000 notes it was half of a warm run). `watch`, which lives on, turns it
    back on. At the end every object is frozen: the interpreter's last full collection walked
    everything the run made (15 ms of a cold run on 10,000 notes) to free what exiting frees
    anyway."""
    gc.disable()
    try:
        main()
    finally:
        gc.freeze()


def today_option(func: F) -> F:
    return click.option(
        "--today", "today", metavar="YYYY-MM-DD", help="Plan as if today were this day."
    )(func)


def dry_run_option(func: F) -> F:
    return click.option(
        "--dry-run", is_flag=True, help="Print the diff of every planned write; write nothing."
    )(func)


def _run(
    root: Path,
    today: str | None,
    write: bool,
    request: Request | None = None,
    edits: bool = True,
    git: bool = False,
) -> RunResult:
    scanned = None
    if request is None and not git:  # a plain run: a settled vault answers at once
        from .. import settled

        quiet, scanned = settled.check(root, today=_date(today), clock=dt.date.today(), edits=edits)
        if quiet is not None:
            return quiet
    from .. import engine

    progress = None
    if sys.stderr.isatty():  # a progress bar is for a person (rich is imported only then)
        from ..output import FirstScan

        progress = FirstScan()
    try:
        return engine.run(
            root,
            today=_date(today),
            clock=dt.date.today(),
            write=write,
            request=request,
            edits=edits,
            git=True if git else None,
            progress=progress,
            scanned=scanned,
        )
    finally:
        if progress is not None:
            progress.close()


def commit_option(func: F) -> F:
    return click.option(
        "--commit", "git", is_flag=True, help="Commit vaultfu's own writes to git."
    )(func)


def _report(run: RunResult, root: Path, *, dry_run: bool, no_write: bool = False) -> None:
    from .. import output

    out = output.console()
    if dry_run:
        output.show_diffs(out, run.writes)
        return
    output.show_agenda(out, run.agenda, vault=str(root), pinned=run.pinned)
    output.show_writes(out, run, no_write=no_write)


@main.command()
@vault_path
@today_option
@click.option("--no-write", is_flag=True, help="Print the agenda; write nothing.")
@dry_run_option
@click.option("--json", "as_json", is_flag=True, help="Print the agenda as JSON.")
@commit_option
@errors_to_exit
def agenda(
    root: Path, today: str | None, no_write: bool, dry_run: bool, as_json: bool, git: bool
) -> None:
    """Work out every follow-up that is due, add tasks and drafts to the interview notes, and
    rewrite the agenda note."""
    from ..agenda import agenda_json

    run = _run(root, today, write=not (no_write or dry_run), edits=not no_write, git=git)
    if as_json:
        echo_json(agenda_json(run.agenda))
        return
    _report(run, root, dry_run=dry_run, no_write=no_write)


@main.command()
@click.argument("ident", metavar="[ID]", required=False)
@click.option("--vault", "vault_opt", type=click.Path(path_type=Path), help="The vault folder.")
@click.option("--on", "on", metavar="YYYY-MM-DD", help="The day it was done (default: today).")
@today_option
@dry_run_option
@commit_option
@click.option("--json", "as_json", is_flag=True, help="With no id: list them as JSON.")
@errors_to_exit
def done(
    ident: str | None,
    vault_opt: Path | None,
    on: str | None,
    today: str | None,
    dry_run: bool,
    git: bool,
    as_json: bool,
) -> None:
    """Mark a follow-up done by its id (vf-…); with no id, list the open ones."""
    from .. import output
    from ..agenda import action_json
    from ..wanted import Request

    root = locate(vault_opt)
    if ident is None:
        run = _run(root, today, write=False, edits=False)
        if as_json:
            items = [action_json(a, run.agenda.today) for a in run.agenda.actions]
            echo_json(items)
        else:
            output.show_ids(output.console(), run.agenda)
        return
    listed = _run(root, today, write=False)
    action = next((a for a in listed.agenda.actions if a.id == ident), None)
    if action is None:
        from ..commands import closed_task

        said = closed_task(root, ident, today=_date(today), clock=dt.date.today())
        click.echo(
            f"vaultfu: {said or f'no follow-up has the id {ident!r}'}; see `vaultfu done`", err=True
        )
        raise SystemExit(1)
    day = _date(on) or listed.agenda.today
    run = _run(root, today, write=not dry_run, request=Request(done={ident: day}), git=git)
    if dry_run:
        _report(run, root, dry_run=True)
        return
    if action.note in run.written:
        click.echo(f"done: {action.text} ({ident}) ✅ {day.isoformat()} in {action.note}")
    else:
        click.echo(f"vaultfu: {action.note} was not written; see the agenda's Problems", err=True)
        raise SystemExit(1)


@main.command()
@click.argument("note", type=click.Path(path_type=Path))
@click.option("--vault", "vault_opt", type=click.Path(path_type=Path), help="The vault folder.")
@click.option("--kind", "kind", help="Only this kind of follow-up (e.g. status-check).")
@click.option("--force", is_flag=True, help="Write the draft again even if it was written before.")
@today_option
@dry_run_option
@commit_option
@errors_to_exit
def draft(
    note: Path,
    vault_opt: Path | None,
    kind: str | None,
    force: bool,
    today: str | None,
    dry_run: bool,
    git: bool,
) -> None:
    """Write the drafts for NOTE now, before they are due."""
    from ..model import Kind
    from ..wanted import Request

    root = locate(vault_opt).resolve()
    rel = _inside(root, note)
    if not (root / rel).is_file():
        raise click.UsageError(f"{rel.as_posix()}: no such note in {root}")
    chosen = None
    if kind is not None:
        kinds = [k.value for k in Kind if k.sends_message]
        if kind not in kinds:
            known = ", ".join(kinds)
            raise click.BadParameter(
                f"{kind!r} is not a kind; one of: {known}", param_hint="--kind"
            )
        chosen = Kind(kind)
    request = Request(draft_note=rel.as_posix(), draft_kind=chosen, force=force)
    run = _run(root, today, write=not dry_run, request=request, git=git)
    if not run.drafted:
        click.echo(f"vaultfu: nothing to draft in {rel.as_posix()}", err=True)
        raise SystemExit(1)
    _report(run, root, dry_run=dry_run)


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@errors_to_exit
def init(path: Path | None) -> None:
    """Make a folder a vaultfu vault (settings, agenda, template); run twice, nothing changes."""
    from .. import commands

    root = path or Path.cwd()
    made, kept = commands.init(root)
    for rel in made:
        click.echo(f"made {rel}")
    for rel in kept:
        click.echo(f"kept {rel} (already there)")
    if not made:
        click.echo("nothing to do: this folder is a vaultfu vault already")


def _when(value: str) -> dt.datetime | dt.date:
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value).replace(tzinfo=None, second=0, microsecond=0)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)", param_hint="--date"
        ) from None


@main.command()
@click.option("--vault", "vault_opt", type=click.Path(path_type=Path), help="The vault folder.")
@click.option("--company", required=True, help="The company.")
@click.option("--role", required=True, help="The role.")
@click.option("--date", "when", required=True, metavar="YYYY-MM-DD[THH:MM]", help="When.")
@click.option("--interviewer", "interviewers", multiple=True, help='"Name <email>", repeatable.')
@click.option("--round", "round_", help="The round (phone screen, onsite...).")
@today_option
@errors_to_exit
def new(
    vault_opt: Path | None,
    company: str,
    role: str,
    when: str,
    interviewers: tuple[str, ...],
    round_: str | None,
    today: str | None,
) -> None:
    """Create a well-formed interview note; print its path. Never overwrites."""
    from .. import commands

    root = locate(vault_opt)
    rel = commands.new_note(
        root,
        company=company,
        role=role,
        when=_when(when),
        interviewers=list(interviewers),
        round_=round_,
        today=_date(today) or dt.date.today(),
    )
    click.echo(rel)


@main.command(name="set")
@click.argument("note", type=click.Path(path_type=Path))
@click.argument("key")
@click.argument("value")
@click.option("--vault", "vault_opt", type=click.Path(path_type=Path), help="The vault folder.")
@click.option("--on", "on", metavar="YYYY-MM-DD", help="With status: also set status_date.")
@today_option
@errors_to_exit
def set_(
    note: Path, key: str, value: str, vault_opt: Path | None, on: str | None, today: str | None
) -> None:
    """Change one frontmatter key of NOTE; only that key's line changes."""
    from .. import commands

    root = locate(vault_opt).resolve()
    rel = _inside(root, note)
    changes = [(key, value)]
    if key == "status" and on is None and today is not None:
        on = today  # a status set "as of" a day is dated that day
    if on is not None:
        if key != "status":
            raise click.UsageError("--on goes with the status key")
        changes.append(("status_date", (_date(on) or dt.date.today()).isoformat()))
    for name, text in changes:
        done = commands.set_value(root, rel.as_posix(), name, text)
        click.echo(f"{rel.as_posix()}: {name}: {text}" + ("" if done else " (already)"))


@main.command()
@vault_path
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@today_option
@errors_to_exit
def check(root: Path, as_json: bool, today: str | None) -> None:
    """Validate every interview note and the settings; exit 1 when anything is wrong."""
    from .. import commands

    problems, said = commands.check(root, today=_date(today), clock=dt.date.today())
    if as_json:
        items = [{"path": p.path, "line": p.line, "message": p.message} for p in problems]
        tasks = {
            "global_filter": said.global_filter,
            "from": said.source,
            "statuses": said.statuses,
        }
        echo_json({"problems": items, "tasks": tasks})
    else:
        for p in problems:
            click.echo(str(p))
        for line in said.lines():
            click.echo(line)
        click.echo(f"{len(problems)} problem(s)" if problems else "all interview notes are valid")
    if problems:
        raise SystemExit(1)


@main.command()
@vault_path
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to FILE.")
@today_option
@errors_to_exit
def ics(root: Path, output: Path | None, today: str | None) -> None:
    """Export the open follow-ups and the interviews as an iCalendar file."""
    from .. import commands, vault

    data, count = commands.calendar(root, today=_date(today), clock=dt.date.today())
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    vault.write_file(output, data)
    click.echo(f"wrote {count} events to {output}", err=True)


@main.command()
@vault_path
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@today_option
@errors_to_exit
def stats(root: Path, as_json: bool, today: str | None) -> None:
    """The pipeline: applications per status, interviews per week, response times, follow-ups
    done on time."""
    from .. import commands

    figures = commands.statistics(root, today=_date(today), clock=dt.date.today())
    if as_json:
        echo_json(figures.as_json())
        return
    click.echo("Applications: " + ", ".join(f"{k} {v}" for k, v in figures.by_status.items()))
    click.echo(
        "Interviews per week: " + ", ".join(f"{k}: {v}" for k, v in figures.per_week.items())
    )
    if figures.response_days:
        answers = ", ".join(f"{k} {v} d." for k, v in figures.response_days.items())
        click.echo(f"Days to an answer: {answers}")
    if figures.done:
        share = round(100 * figures.done_on_time / figures.done)
        click.echo(f"Follow-ups done on time: {figures.done_on_time} of {figures.done} ({share} %)")


from . import mail as _mail  # noqa: E402, F401 (registers `send` and `mail`)
from . import watching as _watching  # noqa: E402, F401 (registers `watch`)
