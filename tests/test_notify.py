"""`vaultfu watch --notify` against a real D-Bus session bus (dbus-daemon, started by the test)
and a notification service the test runs on it (org.freedesktop.Notifications, with dbus-fast),
which records what it was asked to show."""

# No `from __future__ import annotations` here: dbus-fast reads the D-Bus signatures from the
# method annotations ("s", "as", …) as they are written.

import asyncio
import datetime as dt
import shutil
import subprocess
import threading
from collections.abc import Iterator

import pytest
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method

from vaultfu.notify import Desktop, due_news

from .conftest import ACME, Vault
from .test_watch import wait_for, watching


class Notifications(ServiceInterface):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__("org.freedesktop.Notifications")
        self.shown: list[tuple[str, str, str]] = []

    @method()  # type: ignore[untyped-decorator]
    def Notify(
        self,
        app_name: "s",  # noqa: F821
        replaces_id: "u",  # noqa: F821
        app_icon: "s",  # noqa: F821
        summary: "s",  # noqa: F821
        body: "s",  # noqa: F821
        actions: "as",  # noqa: F722
        hints: "a{sv}",  # noqa: F722
        expire_timeout: "i",  # noqa: F821
    ) -> "u":  # noqa: F821
        self.shown.append((app_name, summary, body))
        return len(self.shown)

    @method()  # type: ignore[untyped-decorator]
    def GetCapabilities(self) -> "as":  # noqa: F722
        return ["body", "actions"]

    @method()  # type: ignore[untyped-decorator]
    def GetServerInformation(self) -> "ssss":  # noqa: F821
        return ["listener", "vaultfu tests", "1.0", "1.2"]

    @method()  # type: ignore[untyped-decorator]
    def CloseNotification(self, ident: "u") -> None:  # noqa: F821
        return None


@pytest.fixture
def session_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[Notifications]:
    binary = shutil.which("dbus-daemon")
    if binary is None:
        pytest.fail("dbus-daemon is not installed (apt-get install dbus; .ci/run does)")
    daemon = subprocess.Popen(
        [binary, "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    service = Notifications()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop: asyncio.Future[None] = loop.create_future()

    async def serve() -> None:
        bus = await MessageBus(bus_address=address).connect()
        bus.export("/org/freedesktop/Notifications", service)
        await bus.request_name("org.freedesktop.Notifications")
        ready.set()
        await stop
        bus.disconnect()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    try:
        assert ready.wait(10), "the notification service did not start"
        yield service
    finally:
        loop.call_soon_threadsafe(stop.set_result, None)
        thread.join(10)
        daemon.terminate()
        daemon.wait(10)


def test_watch_notifies_when_follow_ups_come_due(vault: Vault, session_bus: Notifications) -> None:
    vault.write("Interviews/acme.md", ACME.replace("2026-11-20T14:00", "2026-11-24T10:00"))
    with watching(vault, notify=Desktop().send) as (watcher, _, clock):
        wait_for(lambda: len(session_bus.shown) == 1)
        app, title, body = session_bus.shown[0]
        assert app == "vaultfu"
        assert title == "vaultfu: a follow-up is due today"
        assert body == "Email a thank-you to Jane Doe at Acme Corp (Senior Backend Engineer)"
        count = watcher.cycles  # a save with nothing newly due says nothing
        vault.write("Interviews/acme.md", vault.read("Interviews/acme.md") + "\nmore\n", raw=True)
        wait_for(lambda: watcher.cycles > count)
        assert len(session_bus.shown) == 1
        clock.day = dt.date(2026, 11, 25)  # midnight: the handwritten note is due, the rest late
        wait_for(lambda: len(session_bus.shown) == 2)
        assert session_bus.shown[1][1].startswith("vaultfu: ")
        assert "handwritten thank-you note" in session_bus.shown[1][2]


def test_without_a_notification_service_it_says_why_in_one_line(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    vault.write("Interviews/acme.md", ACME.replace("2026-11-20T14:00", "2026-11-24T10:00"))
    warned: list[str] = []
    with watching(vault, notify=Desktop().send, warn=warned.append):
        wait_for(lambda: bool(warned))
    assert warned[0].startswith("cannot show a notification: ")


def test_due_news_tells_each_follow_up_once_a_day() -> None:
    from vaultfu.model import Action, Channel, Kind

    def action(ident: str, due: dt.date) -> Action:
        return Action(ident, Kind.TASK, "n.md", "A", "Acme", "Eng", due, Channel.NONE, ident)

    told: set[tuple[str, dt.date]] = set()
    day = dt.date(2026, 11, 24)
    late, today, later = (
        action("x", day - dt.timedelta(1)),
        action("y", day),
        action("z", day + dt.timedelta(3)),
    )
    assert due_news([late, today, later], day, told) == (
        "vaultfu: 2 follow-ups due, 1 late",
        "• x (Acme)\n• y (Acme)",
    )
    assert due_news([late, today, later], day, told) is None
    assert due_news([late], day + dt.timedelta(1), told) == (
        "vaultfu: a follow-up is late",
        "x (Acme)",
    )
