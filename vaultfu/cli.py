"""The command line: the only module that imports click and reads the clock.

Every command is: open the vault, call one engine function, map errors to one line and an exit
code (0 ok, 2 usage or vault/config error)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import VaultfuError

F = TypeVar("F", bound=Callable[..., Any])


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def vault_path(func: F) -> F:
    """`[PATH]` or `--vault PATH`; the current folder when neither is given."""

    @click.argument("path", required=False, type=click.Path(path_type=Path))
    @click.option("--vault", "vault_opt", type=click.Path(path_type=Path), help="The vault folder.")
    @functools.wraps(func)
    def wrapper(*args: Any, path: Path | None, vault_opt: Path | None, **kwargs: Any) -> Any:
        if path is not None and vault_opt is not None and path != vault_opt:
            raise click.UsageError("give the vault once: PATH or --vault, not both")
        return func(*args, root=path or vault_opt or Path.cwd(), **kwargs)

    return wrapper  # type: ignore[return-value]


def errors_to_exit(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except VaultfuError as exc:
            click.echo(f"vaultfu: {exc}", err=True)
            raise SystemExit(2) from None

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vaultfu")
def main() -> None:
    """Interview follow-ups, on time, inside your Markdown vault."""


@main.command()
@vault_path
@click.option("--today", "today", metavar="YYYY-MM-DD", help="Plan as if today were this day.")
@click.option("--no-write", is_flag=True, help="Print the agenda; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the agenda as JSON.")
@errors_to_exit
def agenda(root: Path, today: str | None, no_write: bool, as_json: bool) -> None:
    """Work out every follow-up that is due and rewrite the agenda note."""
    from . import engine, output
    from .agenda import agenda_json

    run = engine.run_agenda(root, today=_date(today), clock=dt.date.today(), write=not no_write)
    if as_json:
        click.echo(json.dumps(agenda_json(run.agenda), indent=2, ensure_ascii=False))
        return
    output.show_agenda(
        output.console(),
        run.agenda,
        vault=str(root),
        note=run.agenda_path,
        written=run.written,
        pinned=run.pinned,
        write=not no_write,
    )
