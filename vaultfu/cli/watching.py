"""`vaultfu watch`: the command that keeps running (its options, the terminal's lines, the
signals, desktop notifications); the watching itself is `vaultfu.watch`."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from pathlib import Path

import click

from . import _date, errors_to_exit, main, today_option, vault_path


def _desktop() -> Callable[[str, str], str | None]:
    from ..notify import Desktop

    return Desktop().send


@main.command()
@vault_path
@today_option
@click.option("--polling", is_flag=True, help="Poll instead of inotify (network drives, WSL).")
@click.option(
    "--debounce", default=30, show_default=True, metavar="MS", help="Wait for a burst to settle."
)
@click.option(
    "--rescan", default=300, show_default=True, metavar="SECONDS", help="Full rescan period."
)
@click.option("-v", "--verbose", is_flag=True, help="Say what each update wrote.")
@click.option("--notify", is_flag=True, help="A desktop notification when follow-ups come due.")
@errors_to_exit
def watch(
    root: Path,
    today: str | None,
    polling: bool,
    debounce: int,
    rescan: int,
    verbose: bool,
    notify: bool,
) -> None:
    """Keep the agenda, tasks and drafts up to date on every save, until Ctrl-C."""
    import signal
    import threading

    from .. import output
    from ..watch import Update, Watcher

    gc.enable()
    out = output.console()
    err = output.console(stderr=True)

    def show(update: Update) -> None:
        output.show_update(out, update, dt.datetime.now(), verbose=verbose)

    watcher = Watcher(
        root,
        clock=dt.date.today,
        today=_date(today),
        debounce=debounce / 1000,
        rescan_every=float(rescan),
        polling=polling,
        on_update=show,
        warn=lambda message: err.print(f"vaultfu: {message}", style="yellow"),
        notify=_desktop() if notify else None,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    mode = "polling" if polling else "inotify"
    err.print(f"vaultfu: watching {watcher.root} ({mode}); Ctrl-C to stop", style="dim")
    watcher.run(stop)
    err.print("vaultfu: stopped", style="dim")
