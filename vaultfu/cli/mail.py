"""The commands that talk to the user's mail: `send` (a draft to the mail app) and `mail` (what
the mailbox says). Click lives here as in the rest of the CLI package."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from . import (
    _date,
    _fail,
    _report,
    echo_json,
    errors_to_exit,
    locate,
    main,
    today_option,
    vault_path,
)


@main.command()
@click.argument("ident", metavar="ID")
@click.option("--vault", "vault_opt", type=click.Path(path_type=Path), help="The vault folder.")
@click.option("--print", "just_print", is_flag=True, help="Print the .eml's path; open nothing.")
@today_option
@errors_to_exit
def send(ident: str, vault_opt: Path | None, just_print: bool, today: str | None) -> None:
    """Open the email draft of follow-up ID in your mail app, as an unsent message (vaultfu
    never sends mail itself). The `mailer` setting ("mutt -H {}") chooses the program."""
    from .. import commands, vault
    from ..errors import VaultError

    root = locate(vault_opt)
    path, to = commands.send(root, ident, today=_date(today), clock=dt.date.today())
    if just_print:
        click.echo(str(path))
        return
    config = vault.read_config(vault.open_vault(root))
    trouble = vault.launch(path, config.mailer)
    if trouble:
        _fail(VaultError(f"cannot open {path}: {trouble}"))
    click.echo(f"opened the draft to {to or 'nobody yet'} in your mail app ({path})")


@main.command()
@vault_path
@today_option
@click.option("--json", "as_json", is_flag=True, help="Print the agenda as JSON.")
@errors_to_exit
def mail(root: Path, today: str | None, as_json: bool) -> None:
    """Read your mailbox (read-only, as `[mail]` in .vaultfu.toml says): tick the follow-ups
    your sent mail did, note what they replied, then rewrite the agenda."""
    from .. import commands
    from ..agenda import agenda_json

    run, count = commands.mail(root, today=_date(today), clock=dt.date.today())
    if as_json:
        echo_json(agenda_json(run.agenda, {"messages_read": count}))
        return
    click.echo(f"read {count} message{'s' if count != 1 else ''}", err=True)
    _report(run, root, dry_run=False)
