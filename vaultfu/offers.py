"""The offers of a search: the first that ranks below an application, found in log time, and
what a draft needs to know of an offer from elsewhere (pure)."""

from __future__ import annotations

import bisect
import datetime as dt

from .model import Application, Interview


def other_offer(offer: Interview) -> tuple[tuple[str, str], ...]:
    """What a draft needs to know of an offer from elsewhere: who, and until when."""
    values = [("other_company", offer.company), ("other_role", offer.role)]
    if offer.offer_deadline:
        deadline = offer.offer_deadline
        values.append(("other_deadline", f"{deadline:%A} {deadline.day} {deadline:%B}"))
    return tuple(values)


def near(offer: Interview | None, due: dt.date) -> tuple[tuple[str, str], ...]:
    """The other offer, when its deadline falls on the check's day or in the week after."""
    if offer is None or offer.offer_deadline is None:
        return ()
    if not due <= offer.offer_deadline <= due + dt.timedelta(days=7):
        return ()
    return other_offer(offer)


def offer_day(note: Interview, today: dt.date) -> dt.date:
    return note.status_date or note.day or today


class Offers:
    """The applications with an offer, in the order the offers came, and the first of them that
    ranks below a priority, found in log time (priority 1 is the first choice; a ranked
    application outranks an unranked one; an unranked one outranks none)."""

    def __init__(self, offers: list[Application]) -> None:
        self.offers = offers
        unranked = [i for i, o in enumerate(offers) if o.latest.priority is None]
        self.unranked = unranked[0] if unranked else None
        ranked = sorted(
            (o.latest.priority, i) for i, o in enumerate(offers) if o.latest.priority is not None
        )
        self.priorities = [p for p, _ in ranked]
        self.first_from = [0] * len(ranked)  # the earliest offer among ranked[k:]
        earliest = len(offers)
        for k in range(len(ranked) - 1, -1, -1):
            earliest = min(earliest, ranked[k][1])
            self.first_from[k] = earliest

    def first_below(self, priority: int | None) -> Application | None:
        if priority is None:
            return None
        k = bisect.bisect_right(self.priorities, priority)
        found = [i for i in (self.unranked, *self.first_from[k : k + 1]) if i is not None]
        return self.offers[min(found)] if found else None
