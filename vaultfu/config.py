"""`.vaultfu.toml`: text in, Config out (pure). Unknown keys are errors that name the key."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from .errors import ConfigError

CONFIG_NAME = ".vaultfu.toml"


@dataclass(frozen=True)
class Playbook:
    """Every number of the playbook (DESIGN §3), in days unless named otherwise."""

    thank_you_note: bool = True
    thank_you_note_days: int = 1
    status_check_days: int = 7  # after the interview, when they named no date
    decision_grace_business_days: int = 2  # after decision_by
    status_check_2_days: int = 7  # after the first check was done
    move_on_days: int = 14  # after the second check was done
    min_days_between_checks: int = 5  # per company
    offer_response_days: int = 3  # after the offer, when it has no deadline
    offer_deadline_margin_days: int = 1  # answer this many days before the deadline
    rejection_thank_you_days: int = 1
    connect_days: int = 2
    keep_in_touch_months: int = 3
    weekend_to_monday: bool = True
    thank_you_expires_days: int = 7  # an unsent thank-you is cancelled this long after it was due
    withdraw_business_days: int = 1  # after an offer elsewhere was accepted
    holidays_country: str = ""  # e.g. "US", "GB", "DE": business days skip its public holidays


@dataclass(frozen=True)
class MailSettings:
    """`[mail]`: where `vaultfu mail` reads, read-only. The password is never stored: it comes
    from `password_command` (e.g. "pass show mail")."""

    me: tuple[str, ...] = ()  # your own addresses: mail from them is mail you sent
    maildir: tuple[str, ...] = ()  # Maildir folders (e.g. your inbox and your sent mail)
    mbox: tuple[str, ...] = ()  # mbox files
    imap_host: str = ""
    imap_port: int = 993
    imap_ssl: bool = True  # false: plain IMAP, for a server on this machine only
    imap_user: str = ""
    imap_folders: tuple[str, ...] = ("INBOX",)
    password_command: str = ""
    days: int = 60  # how far back to read
    every: int = 15  # minutes between two reads by `vaultfu watch` (0: never)

    @property
    def configured(self) -> bool:
        return bool(self.maildir or self.mbox or self.imap_host)


@dataclass(frozen=True)
class Config:
    agenda: str = "Agenda.md"
    type_key: str = "type"
    type_value: str = "interview"
    today: dt.date | None = None  # pins the day (demos, tests); --today wins over it
    user_name: str | None = None
    write_notes: bool = True
    lead_days: int = 1
    new_note: str = "Interviews/{date} {company} - {role}.md"
    commit: bool = False  # commit vaultfu's own writes to git
    git_hooks: bool = False  # run the repository's hooks on vaultfu's commits
    agenda_dates: bool = False  # agenda lines carry 📅 too (then Tasks queries list them twice)
    mailer: str = ""  # what `vaultfu send` opens a draft with ("mutt -H {}"); else the system's
    timezone: str = ""  # the vault's IANA time zone ("Europe/Berlin"); empty: the system's
    remind_at: str = "09:00"  # when a follow-up's calendar reminder rings on its day; "": none
    # the Tasks plugin's global filter ("#task": only lines holding it are tasks to the plugin);
    # None: as the plugin's own settings in the vault say (see `vault.read_config`)
    tasks_filter: str | None = None
    # the Tasks plugin's status table, (symbol, type) pairs ("d", "DONE"), from its settings (no
    # key of .vaultfu.toml); (): its default table
    task_statuses: tuple[tuple[str, str], ...] = ()
    playbook: Playbook = field(default_factory=Playbook)
    mail: MailSettings = field(default_factory=MailSettings)


def one_line(text: str) -> bool:
    """Text a task line can hold: no line break, no NUL."""
    return not any(c in text for c in "\r\n\x00")


def _check_type(where: str, value: Any, expected: Any) -> None:
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, expected)
    if not ok:
        name = {bool: "true or false", int: "a whole number", str: "a string"}.get(
            expected, str(expected)
        )
        raise ConfigError(f"{CONFIG_NAME}: '{where}' must be {name}, not {value!r}")


def _build(cls: Any, table: dict[str, Any], prefix: str) -> dict[str, Any]:
    known = {f.name: f for f in dataclasses.fields(cls)}
    out: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{prefix}{key}"
        if key not in known or key in ("playbook", "mail", "task_statuses"):
            raise ConfigError(f"{CONFIG_NAME}: unknown key '{where}'")
        expected = known[key].type
        if key == "today":
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                out[key] = value
                continue
            try:
                out[key] = dt.date.fromisoformat(str(value))
            except ValueError:
                raise ConfigError(
                    f"{CONFIG_NAME}: 'today' must be a date (YYYY-MM-DD), not {value!r}"
                ) from None
            continue
        if str(expected) == "tuple[str, ...]":
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
                raise ConfigError(f"{CONFIG_NAME}: '{where}' must be a list of strings")
            out[key] = tuple(items)
            continue
        base = {"bool": bool, "int": int, "str": str, "str | None": str}[str(expected)]
        _check_type(where, value, base)
        if base is int and value < 0:
            raise ConfigError(f"{CONFIG_NAME}: '{where}' must not be negative")
        out[key] = value
    return out


def parse_config(text: str) -> Config:
    """Parse the text of `.vaultfu.toml`. Raises ConfigError naming the key or the line."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{CONFIG_NAME}: {exc}") from None
    playbook_table = data.pop("playbook", {})
    if not isinstance(playbook_table, dict):
        raise ConfigError(f"{CONFIG_NAME}: 'playbook' must be a table ([playbook])")
    playbook = Playbook(**_build(Playbook, playbook_table, "playbook."))
    mail_table = data.pop("mail", {})
    if not isinstance(mail_table, dict):
        raise ConfigError(f"{CONFIG_NAME}: 'mail' must be a table ([mail])")
    mail = MailSettings(**_build(MailSettings, mail_table, "mail."))
    config = Config(**_build(Config, data, ""), playbook=playbook, mail=mail)
    if playbook.holidays_country:
        import holidays

        try:
            holidays.country_holidays(playbook.holidays_country)
        except NotImplementedError:
            raise ConfigError(
                f"{CONFIG_NAME}: 'playbook.holidays_country' {playbook.holidays_country!r} is not "
                'a country the holidays package knows (e.g. "US", "GB", "DE")'
            ) from None
    _check_zone_and_time(config)
    if config.tasks_filter is not None and not one_line(config.tasks_filter):
        raise ConfigError(f"{CONFIG_NAME}: 'tasks_filter' must be one line of text")
    agenda = PurePosixPath(config.agenda.replace("\\", "/"))
    if agenda.is_absolute() or ".." in agenda.parts or not config.agenda.strip():
        raise ConfigError(f"{CONFIG_NAME}: 'agenda' must be a path inside the vault")
    if agenda.suffix.lower() != ".md":
        raise ConfigError(f"{CONFIG_NAME}: 'agenda' must name a Markdown note (.md)")
    pattern = PurePosixPath(config.new_note.replace("\\", "/"))
    if pattern.is_absolute() or ".." in pattern.parts or pattern.suffix.lower() != ".md":
        raise ConfigError(f"{CONFIG_NAME}: 'new_note' must be a .md path inside the vault")
    try:
        config.new_note.format(date="d", company="c", role="r")
    except (KeyError, IndexError, ValueError):
        raise ConfigError(
            f"{CONFIG_NAME}: 'new_note' may use only {{date}}, {{company}} and {{role}}"
        ) from None
    return config


def _check_zone_and_time(config: Config) -> None:
    if config.timezone:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(config.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"{CONFIG_NAME}: 'timezone' {config.timezone!r} is not a time zone "
                '(an IANA name such as "Europe/Berlin" or "America/New_York")'
            ) from None
    if config.remind_at:
        try:
            dt.time.fromisoformat(config.remind_at)
        except ValueError:
            raise ConfigError(
                f"{CONFIG_NAME}: 'remind_at' must be a time (HH:MM) or \"\", not "
                f"{config.remind_at!r}"
            ) from None
