"""When check-ins fall: weekly slots at a local time of day, correct across DST changes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WEEKDAYS = range(7)  # 0 = Monday, as in `date.weekday()`
# The most a member's own time zone can be ahead of the team's (UTC+14 against UTC-12).
MAX_ZONE_LEAD = timedelta(hours=26)


@dataclass(frozen=True)
class WeeklyRule:
    weekdays: frozenset[int]
    time_of_day: time
    zone: ZoneInfo

    @classmethod
    def parse(cls, weekdays: str, time_of_day: str, zone: str) -> WeeklyRule:
        return cls(parse_weekdays(weekdays), parse_time(time_of_day), ZoneInfo(zone))

    def slot_on(self, day: date) -> datetime:
        """The slot's moment in UTC on a local calendar day (DST handled by zoneinfo)."""
        return datetime.combine(day, self.time_of_day, tzinfo=self.zone).astimezone(UTC)

    def slots_between(self, after: datetime, until: datetime) -> list[datetime]:
        """Slots with after < slot <= until, oldest first."""
        if not self.weekdays or until <= after:
            return []
        first_day = after.astimezone(self.zone).date()
        last_day = until.astimezone(self.zone).date()
        slots = []
        day = first_day
        while day <= last_day:
            if day.weekday() in self.weekdays:
                slot = self.slot_on(day)
                if after < slot <= until:
                    slots.append(slot)
            day += timedelta(days=1)
        return slots

    def in_zone(self, zone: str) -> WeeklyRule | None:
        """The same days and time of day in another zone (None for a zone nobody knows)."""
        try:
            return WeeklyRule(self.weekdays, self.time_of_day, ZoneInfo(zone))
        except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
            return None

    def opens_at(self, slot: datetime, zones: Iterable[str] = ()) -> datetime:
        """When a slot's check-in opens: at the slot, or earlier when a member's own zone
        reaches the slot's time of day first (east of the team's zone) — that member is asked
        at the team's time of day in their own zone, on the same local day."""
        day = slot.astimezone(self.zone).date()
        own = (rule.slot_on(day) for rule in map(self.in_zone, zones) if rule is not None)
        return min([slot, *own])

    def slots_open_between(
        self, after: datetime, until: datetime, zones: Iterable[str] = ()
    ) -> list[datetime]:
        """Slots (the team's moments) with after < slot whose check-in opens by `until`,
        oldest first: with members east of the team, up to a day before the slot itself."""
        zones = frozenset(zones)
        ahead = MAX_ZONE_LEAD if zones else timedelta(0)
        return [
            slot
            for slot in self.slots_between(after, until + ahead)
            if self.opens_at(slot, zones) <= until
        ]

    def next_slot(self, now: datetime) -> datetime | None:
        slots = self.slots_between(now, now + timedelta(days=8))
        return slots[0] if slots else None


def parse_weekdays(raw: str) -> frozenset[int]:
    return frozenset(int(part) for part in raw.split(",") if part.strip() != "")


def format_weekdays(days: frozenset[int]) -> str:
    return ",".join(str(day) for day in sorted(days))


def parse_time(raw: str) -> time:
    """'9:30', '09:30' or '0930' → 09:30; raises ValueError for anything else."""
    cleaned = raw.strip().replace(".", ":").replace("u", ":")
    if ":" not in cleaned and cleaned.isdigit() and len(cleaned) in (3, 4):
        cleaned = f"{cleaned[:-2]}:{cleaned[-2:]}"
    hours, _, minutes = cleaned.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"not a time of day: {raw!r}")
    return time(int(hours), int(minutes))


@lru_cache(maxsize=8)
def _dutch_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("NL", years=year, language="nl"))


def dutch_holiday(day: date) -> str | None:
    """The name of the Dutch public holiday on `day`, if it is one."""
    return _dutch_holidays(day.year).get(day)


DATE_FORMS = (
    re.compile(r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})(?:[-/.](?P<y>\d{2,4}))?$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
)


def parse_date(raw: str, today: date) -> date | None:
    """'24-12', '24-12-2026', '24/12/26' or '2026-12-24'; without a year, the next such day."""
    text = raw.strip()
    for form in DATE_FORMS:
        found = form.match(text)
        if not found:
            continue
        year_text = found.group("y")
        year = int(year_text) if year_text else today.year
        if year < 100:
            year += 2000
        try:
            result = date(year, int(found.group("m")), int(found.group("d")))
        except ValueError:
            return None
        if not year_text and result < today:
            result = result.replace(year=today.year + 1)
        return result
    return None
