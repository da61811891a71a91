"""Due dates: POLICY section 4's examples, Chinese holidays and make-up days, time zones, unknown years."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from aidflow.calendars.models import CalendarYear, SpecialDay
from aidflow.calendars.services import due_date, missing_years

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
# The year these tests treat as not loaded. The tests fix their dates; they do not read the clock.
UNLOADED = 2027


@pytest.fixture(autouse=True)
def year_not_loaded():
    """2027's schedule is not loaded, whichever chinesecalendar release seeded the table (1.11 ends
    with 2026; a later one may ship 2027)."""
    SpecialDay.objects.filter(date__year=UNLOADED).delete()
    CalendarYear.objects.filter(year=UNLOADED).delete()


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def test_the_schedule_is_seeded_from_chinesecalendar():
    assert CalendarYear.objects.filter(year=2004).exists() and CalendarYear.objects.filter(year=2026).exists()
    assert SpecialDay.objects.get(date=datetime.date(2026, 10, 1)).kind == "holiday"
    assert SpecialDay.objects.get(date=datetime.date(2026, 10, 10)).kind == "workday"


@pytest.mark.parametrize(
    ("received", "days", "counting", "expected"),
    [
        # POLICY section 4's worked examples (National Day 2026: Oct 1-7 off, Sat Oct 10 worked).
        ("2026-09-30T10:00:00+08:00", 7, "natural", "2026-10-08"),
        ("2026-09-30T10:00:00+08:00", 7, "working", "2026-10-15"),
        # Spring Festival 2026: Feb 15-23 off, Sat Feb 14 and Sat Feb 28 worked.
        ("2026-02-13T09:00:00+08:00", 3, "natural", "2026-02-24"),
        ("2026-02-12T09:00:00+08:00", 3, "working", "2026-02-24"),
        ("2026-02-13T09:00:00+08:00", 1, "working", "2026-02-14"),
        ("2026-02-26T09:00:00+08:00", 2, "working", "2026-02-28"),
        # A plain week: the receipt day does not count; Friday + 3 natural is Monday.
        ("2026-03-13T09:00:00+08:00", 3, "natural", "2026-03-16"),
        ("2026-03-13T09:00:00+08:00", 10, "natural", "2026-03-23"),
        ("2026-03-12T09:00:00+08:00", 10, "natural", "2026-03-23"),
    ],
)
def test_due_dates(received, days, counting, expected):
    result = due_date(received=at(received), days=days, counting=counting)
    assert (result.date.isoformat(), result.provisional) == (expected, False)


def test_late_evening_utc_is_next_morning_in_shanghai():
    # 16:30 UTC on Thursday Mar 5 is 00:30 on Friday Mar 6 in Shanghai: one natural day -> Sat -> Mon 9.
    result = due_date(received=at("2026-03-05T16:30:00+00:00"), days=1, counting="natural")
    assert result.date == datetime.date(2026, 3, 9)
    # Had it counted the UTC day, Friday Mar 6 would have been the due date.
    assert due_date(received=at("2026-03-05T15:30:00+00:00"), days=1, counting="natural").date == datetime.date(
        2026, 3, 6
    )


def test_a_year_not_loaded_falls_back_to_weekdays_and_is_provisional():
    result = due_date(received=at("2027-04-30T10:00:00+08:00"), days=3, counting="working")
    assert (result.date, result.provisional, result.missing_years) == (datetime.date(2027, 5, 5), True, (2027,))
    # Crossing into an unloaded year makes it provisional too.
    crossing = due_date(received=at("2026-12-28T10:00:00+08:00"), days=7, counting="working")
    assert crossing.provisional and crossing.missing_years == (2027,)
    assert not due_date(received=at("2026-12-01T10:00:00+08:00"), days=7, counting="working").provisional


def test_load_holidays_adds_a_year(tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_text(
        "date,kind\n2027-05-01,holiday\n2027-05-03,holiday\n2027-05-04,holiday\n2027-05-05,holiday\n"
        "2027-04-25,workday\n",
        encoding="utf-8",
    )
    call_command("load_holidays", str(path))
    assert "2027" in capsys.readouterr().out
    result = due_date(received=at("2027-04-30T10:00:00+08:00"), days=3, counting="working")
    assert (result.date, result.provisional) == (datetime.date(2027, 5, 10), False)


def test_load_holidays_reads_an_xlsx_schedule(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in (["date", "kind"], [datetime.date(2027, 10, 1), "holiday"], ["2027/10/9", "workday"]):
        workbook.active.append(row)
    path = tmp_path / "2027.xlsx"
    workbook.save(path)
    call_command("load_holidays", str(path))
    kinds = dict(SpecialDay.objects.filter(date__year=2027).values_list("date", "kind"))
    assert kinds == {datetime.date(2027, 10, 1): "holiday", datetime.date(2027, 10, 9): "workday"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,kind\n2027-13-01,holiday\n", "Row 2"),
        ("date,kind\n2027-05-01,party\n", "Row 2, kind: kind must be holiday or workday"),
        ("date,kind\n2027-05-06,workday\n", "only a weekend day"),
        ("day,type\n2027-05-01,holiday\n", "header"),
        ("date,kind\n2027-05-01,holiday\n2027-05-01,workday\n", "both"),
    ],
)
def test_bad_holiday_files_load_nothing(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_holidays", str(path))
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_due_date_command(capsys):
    call_command("due_date", "--received", "2026-09-30T10:00:00+08:00", "--days", "7", "--counting", "natural")
    assert capsys.readouterr().out == "2026-10-08\n"
    call_command("due_date", "--received", "2027-03-01", "--days", "7", "--counting", "working")
    assert capsys.readouterr().out == "2027-03-10\nprovisional\n"
    with pytest.raises(CommandError):
        call_command("due_date", "--received", "yesterday", "--days", "7", "--counting", "natural")


def test_missing_years_banner(client, admin_user):
    assert missing_years(datetime.date(2026, 11, 22)) == [2027]
    assert missing_years(datetime.date(2026, 3, 1)) == []
    # Make this year unknown: administrators see a banner naming it; other staff do not.
    this_year = timezone.localdate().year
    CalendarYear.objects.filter(year=this_year).delete()
    client.force_login(admin_user)
    page = client.get("/workbench/").content.decode()
    assert str(this_year) in page and "load_holidays" in page
    CalendarYear.objects.create(year=this_year, source="test")
    CalendarYear.objects.get_or_create(year=this_year + 1, defaults={"source": "test"})
    assert "load_holidays" not in client.get("/workbench/").content.decode()
