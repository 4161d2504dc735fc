"""Desktop notifications for `vaultfu watch --notify` (desktop-notifier: the freedesktop
notification service on Linux, Notification Center on macOS, toasts on Windows): the only module
that talks to the desktop. What to say is decided by `due_news` (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .model import Action, Kind


def due_news(
    actions: Iterable[Action], today: dt.date, told: set[tuple[str, dt.date]]
) -> tuple[str, str] | None:
    """(title, message) about the follow-ups that are due or late today and were not told of
    yet today (each is told once a day: `told` keeps what was said); None when nothing is new."""
    new = [a for a in actions if a.due <= today and (a.id, today) not in told]
    if not new:
        return None
    told.update((a.id, today) for a in new)
    late = sum(1 for a in new if a.due < today)

    def line(a: Action) -> str:
        whose = f" ({a.company})" if a.kind is Kind.TASK and a.company else ""
        return f"{a.text}{whose}"

    if len(new) == 1:
        title = "vaultfu: a follow-up is late" if late else "vaultfu: a follow-up is due today"
        return title, line(new[0])
    title = f"vaultfu: {len(new)} follow-ups due" + (f", {late} late" if late else "")
    shown = [f"• {line(a)}" for a in new[:5]]
    if len(new) > 5:
        shown.append(f"… and {len(new) - 5} more in the agenda")
    return title, "\n".join(shown)


class Desktop:
    """Sends notifications; says in one line why it cannot (no session bus, no service)."""

    def __init__(self) -> None:
        from desktop_notifier import DesktopNotifierSync

        self._notifier = DesktopNotifierSync(app_name="vaultfu")

    def send(self, title: str, message: str) -> str | None:
        shown: list[bool] = []
        try:
            self._notifier.send(
                title=title, message=message, on_dispatched=lambda: shown.append(True)
            )
        except Exception as exc:  # dbus-fast, the OS and the event loop raise many kinds
            return f"cannot show a notification: {' '.join(str(exc).split()) or type(exc).__name__}"
        if not shown:  # desktop-notifier logs the failure and carries on
            return "cannot show a notification: no notification service answered"
        return None
