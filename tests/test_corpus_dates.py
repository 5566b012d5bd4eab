from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from analysis.corpus.dates import DateParser

NOON_UTC = pd.Timestamp("2021-03-05T12:00:00Z")


def parse(values, **kw):
    series, issues = DateParser(**kw).parse(pd.Series(values, dtype=object))
    return series.tolist(), [(i.index, i.code) for i in issues]


def test_values_that_already_are_dates():
    values = [
        pd.Timestamp("2021-03-05 12:00"),
        datetime(2021, 3, 5, 13, 0),
        np.datetime64("2021-03-05T12:00"),
        pd.Timestamp("2021-03-05 07:00", tz="America/New_York"),
    ]
    got, issues = parse(values)
    assert got == [NOON_UTC, NOON_UTC + pd.Timedelta(hours=1), NOON_UTC, NOON_UTC]
    assert issues == []
    assert parse([date(2021, 3, 5)])[0] == [pd.Timestamp("2021-03-05", tz="UTC")]


def test_unix_seconds_and_milliseconds():
    seconds = int(NOON_UTC.timestamp())
    got, issues = parse([seconds, float(seconds), seconds * 1000, str(seconds)])
    assert got == [NOON_UTC] * 4 and issues == []


def test_small_and_huge_numbers_are_not_timestamps():
    # 10**16 is read as microseconds (year 2286: outside ingest.dates); 10**21 fits no unit
    got, issues = parse([42, 10**16, 20210305, 10**21])
    assert got[:2] == [pd.NaT, pd.NaT] and pd.isna(got[3])
    assert got[2] == pd.Timestamp("2021-03-05", tz="UTC")  # yyyymmdd
    assert issues == [(0, "date_unparsed"), (1, "date_out_of_range"), (3, "date_unparsed")]


def test_microseconds_and_nanoseconds_are_read_in_their_unit():
    seconds = int(NOON_UTC.timestamp())
    got, issues = parse([seconds * 10**6, seconds * 10**9, f"{seconds}.000"])
    assert got == [NOON_UTC] * 3 and issues == []


def test_explicit_format_and_time_zone():
    got, issues = parse(["05.03.2021 13:00", "2021-03-05"], date_format="%d.%m.%Y %H:%M",
                        timezone_name="Europe/Berlin")  # fmt: skip
    assert got[0] == NOON_UTC
    assert pd.isna(got[1]) and issues == [(1, "date_unparsed")]


def test_dayfirst_decides_ambiguous_dates_and_never_year_first_ones():
    assert parse(["03/04/2021"], dayfirst=True)[0] == [pd.Timestamp("2021-04-03", tz="UTC")]
    assert parse(["03/04/2021"])[0] == [pd.Timestamp("2021-03-04", tz="UTC")]
    assert parse(["2021-03-04 10:00 EST"], dayfirst=True)[0] == [pd.Timestamp("2021-03-04T15:00Z")]


@pytest.mark.parametrize("value", ["2021", "March 2021", "5 March", "Tuesday"])
def test_incomplete_dates_are_not_filled_in(value):
    got, issues = parse([value])
    assert pd.isna(got[0])
    assert issues == [(0, "date_incomplete")] or issues == [(0, "date_unparsed")]


def test_result_does_not_depend_on_today():
    # dateutil fills missing parts from "today"; two fills would differ, so this can
    # only pass if incompleteness is detected rather than silently filled.
    assert parse(["12:30"])[1] == [(0, "date_incomplete")]


def test_missing_values_are_missing_without_a_problem():
    got, issues = parse([None, "", "  ", float("nan")])
    assert all(pd.isna(g) for g in got) and issues == []


def test_out_of_range_bounds_come_from_the_config():
    got, issues = parse(["2050-09-30", "2019-01-01"], latest=date(2021, 1, 1))
    assert pd.isna(got[0]) and got[1] == pd.Timestamp("2019-01-01", tz="UTC")
    assert issues == [(0, "date_out_of_range")]
