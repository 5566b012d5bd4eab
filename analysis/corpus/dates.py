"""Publication dates in mixed formats to UTC, with every failure reported.

Tried in order: values that already are dates; numbers as Unix time (seconds, or
milliseconds when too large for seconds); ``date_format`` when the source sets one;
ISO 8601; then dateutil's parser, which reads "March 5, 2021", "05/03/2021 14:00 EST",
"Tue, 05 Mar 2021 14:00:00 +0100" and the like (``dayfirst`` decides "05/03/2021").

A value that is not a date, a date missing its day or month ("March 2021": filling in
the 1st would invent a day), and a date outside ``ingest.dates`` are problems: the
record is kept, ``published`` is left missing, and the problem is listed. A missing
value is just missing. Dates without a UTC offset are read in the source's time zone.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from dateutil import parser as dateutil_parser
from dateutil import tz as dateutil_tz

# Common abbreviations dateutil does not know by itself. Ambiguous ones (IST, CST in
# China...) take their most common meaning in English-language news.
_TZINFOS = {
    name: dateutil_tz.tzoffset(name, hours * 3600)
    for name, hours in {
        "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
        "MSK": 3, "IST": 5.5, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
        "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    }.items()
}  # fmt: skip
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))  # two fills reveal missing parts
_NUMERIC_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\b")
_YEAR_FIRST = re.compile(r"^\s*\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}\b")
# Unix time as text: seconds since 1973 have 9-10 digits, milliseconds 12-13, and
# exports add a fraction ("1709251200.0"); _epoch tells the unit from the magnitude.
_EPOCH_DIGITS = re.compile(r"^-?\d{9,19}(\.\d*)?$")


@dataclass(frozen=True)
class DateIssue:
    index: object  # the row's index label
    value: str
    code: str  # one of S.PROBLEM_CODES
    reason: str


@dataclass(frozen=True)
class _Parsed:
    when: datetime | None
    code: str | None = None
    reason: str | None = None


class DateParser:
    """Parse one source's date column (``dayfirst``, ``date_format``, ``timezone``)."""

    def __init__(
        self,
        dayfirst: bool = False,
        date_format: str | None = None,
        timezone_name: str = "UTC",
        earliest: date = date(1900, 1, 1),
        latest: date = date(2100, 1, 1),
    ):
        self.dayfirst = dayfirst
        self.date_format = date_format
        self.timezone_name = timezone_name
        self.earliest = earliest
        self.latest = latest

    def parse(self, values: pd.Series) -> tuple[pd.Series, list[DateIssue]]:
        """UTC timestamps (NaT where missing or unusable) and the issues found."""
        zone = ZoneInfo(self.timezone_name)
        lo = datetime.combine(self.earliest, time(), UTC)
        hi = datetime.combine(self.latest, time(), UTC)
        cache: dict[object, _Parsed] = {}
        out: list[datetime | None] = []
        issues: list[DateIssue] = []
        for idx, value in values.items():
            if _is_missing(value):
                out.append(None)
                continue
            key = value if isinstance(value, str | int | float) else repr(value)
            parsed = cache.get(key)
            if parsed is None:
                parsed = self._parse_one(value, zone)
                if parsed.when is not None and not lo <= parsed.when < hi:
                    parsed = _Parsed(
                        None,
                        "date_out_of_range",
                        f"{parsed.when.date()} is outside {self.earliest} .. {self.latest} "
                        "(ingest.dates in study.yaml)",
                    )
                cache[key] = parsed
            out.append(parsed.when)
            if parsed.code is not None:
                issues.append(DateIssue(idx, str(value), parsed.code, parsed.reason or ""))
        series = pd.to_datetime(pd.Series(out, index=values.index, dtype=object), utc=True)
        if series.dt.tz is None:  # all missing: pandas drops the zone
            series = series.dt.tz_localize("UTC")
        series = series.dt.as_unit("ns")
        issues.extend(self._convention(values))
        return series, issues

    def _parse_one(self, value: object, zone: ZoneInfo) -> _Parsed:
        if isinstance(value, pd.Timestamp | datetime):
            return _Parsed(_to_utc(pd.Timestamp(value).to_pydatetime(), zone))
        if isinstance(value, np.datetime64):
            return _Parsed(_to_utc(pd.Timestamp(value).to_pydatetime(), zone))
        if isinstance(value, date):
            return _Parsed(_to_utc(datetime.combine(value, time()), zone))
        if isinstance(value, bool | np.bool_):
            return _Parsed(None, "date_unparsed", f"a boolean ({value}), not a date")
        if isinstance(value, int | float | np.integer | np.floating):
            number = float(value)
            if number.is_integer() and 1000 <= number <= 9999:
                return _Parsed(None, "date_incomplete", "a year only; left missing, not guessed")
            if number.is_integer() and 1e7 <= number < 1e8:  # 20210305
                return self._parse_one(str(int(number)), zone)
            return _epoch(number)
        text = str(value).strip()
        if _EPOCH_DIGITS.match(text):
            return _epoch(float(text))
        if self.date_format is not None:
            try:
                return _Parsed(_to_utc(datetime.strptime(text, self.date_format), zone))
            except ValueError as exc:
                return _Parsed(
                    None,
                    "date_unparsed",
                    f"does not match date_format {self.date_format!r}: {exc}",
                )
        try:
            return _Parsed(_to_utc(datetime.fromisoformat(text), zone))
        except ValueError:
            pass
        return self._dateutil(text, zone)

    def _dateutil(self, text: str, zone: ZoneInfo) -> _Parsed:
        results = []
        # Year first is always year-month-day (dateutil would read "2021-03-05 EST" as
        # 3 May when dayfirst is set).
        dayfirst = self.dayfirst and not _YEAR_FIRST.match(text)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                for default in _DEFAULTS:
                    results.append(
                        dateutil_parser.parse(
                            text, dayfirst=dayfirst, default=default, tzinfos=_TZINFOS
                        )
                    )
        except (ValueError, OverflowError, TypeError) as exc:
            return _Parsed(None, "date_unparsed", f"not a date: {_reason(exc)}")
        first, second = results
        missing = [
            part
            for part, a, b in (
                ("year", first.year, second.year),
                ("month", first.month, second.month),
                ("day", first.day, second.day),
            )
            if a != b
        ]
        if missing:
            return _Parsed(
                None,
                "date_incomplete",
                f"no {' or '.join(missing)} in the date; left missing rather than guessed",
            )
        if any(issubclass(w.category, dateutil_parser.UnknownTimezoneWarning) for w in caught):
            return _Parsed(
                None,
                "date_unparsed",
                "unknown time zone name; give the date with a UTC offset (+01:00)",
            )
        return _Parsed(_to_utc(first, zone))

    def _convention(self, values: pd.Series) -> list[DateIssue]:
        """Numeric dates that only make sense in the other day/month order."""
        contradicting = []
        for idx, value in values.items():
            if not isinstance(value, str):
                continue
            m = _NUMERIC_DMY.match(value)
            if m is None:
                continue
            a, b = int(m.group(1)), int(m.group(2))
            if (a > 12 >= b) if not self.dayfirst else (b > 12 >= a):
                contradicting.append((idx, value))
        if not contradicting:
            return []
        idx, value = contradicting[0]
        order = "day/month" if not self.dayfirst else "month/day"
        return [
            DateIssue(
                idx,
                value,
                "date_convention",
                f"{len(contradicting)} date(s) in this source can only be read {order} "
                f"(e.g. {value!r}), but dayfirst is {str(self.dayfirst).lower()}: if the "
                f"source writes {order}, set `dayfirst: {str(not self.dayfirst).lower()}`, "
                "or ambiguous dates like 03/04 are read the wrong way round",
            )
        ]


def _to_utc(when: datetime, zone: ZoneInfo) -> datetime:
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    return when.astimezone(UTC)


# Unix time units by magnitude: seconds reach 1e11 only in the year 5138, so anything
# larger is milliseconds (to 1e14), microseconds (to 1e17) or nanoseconds.
_EPOCH_UNITS = ((1e11, 1), (1e14, 1e3), (1e17, 1e6), (1e20, 1e9))


def _epoch(number: float) -> _Parsed:
    if math.isnan(number) or math.isinf(number):
        return _Parsed(None, "date_unparsed", "not a number of seconds")
    scale = next((per_second for bound, per_second in _EPOCH_UNITS if abs(number) < bound), None)
    if scale is None:
        return _Parsed(None, "date_unparsed", "a number too large for a Unix timestamp")
    seconds = number / scale
    if abs(seconds) < 1e8:  # before March 1973: a count or a code, not a news timestamp
        return _Parsed(None, "date_unparsed", "a small number, not a Unix timestamp")
    try:
        return _Parsed(datetime.fromtimestamp(seconds, tz=UTC))
    except (OverflowError, OSError, ValueError):
        return _Parsed(None, "date_unparsed", "a Unix timestamp outside the years 1-9999")


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text.split(": ")[0] if text.startswith("Unknown string format") else text


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return isinstance(value, str) and not value.strip()
