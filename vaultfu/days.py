"""Days as the playbook counts them: business days (weekends and, when set, a country's public
holidays), months, and moving a due date off a day nobody works (pure)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Container
from functools import lru_cache

ONE_DAY = dt.timedelta(days=1)

NoDays = Container[dt.date]


def is_business_day(day: dt.date, holidays: NoDays = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(day: dt.date, count: int, holidays: NoDays = ()) -> dt.date:
    while count > 0:
        day += ONE_DAY
        if is_business_day(day, holidays):
            count -= 1
    return day


@lru_cache(maxsize=8)
def public_holidays(country: str) -> NoDays:
    """The public holidays of a country (the `holidays` package), or none when it is not set."""
    if not country:
        return ()
    import holidays

    return holidays.country_holidays(country)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def to_monday(day: dt.date, holidays: NoDays = ()) -> dt.date:
    """A due date on a weekend (or a public holiday) moves to the next business day."""
    while not is_business_day(day, holidays):
        day += ONE_DAY
    return day


def to_friday(day: dt.date, holidays: NoDays = ()) -> dt.date:
    """A due date before a hard deadline moves back to the business day before it rather than
    past the deadline."""
    while not is_business_day(day, holidays):
        day -= ONE_DAY
    return day
