"""Monthly statistics of medical aid (INTERFACES section 10), in SQL aggregates.

A month's aid is one set of stay rows in the aid ledger (`cases.AidLedgerRow`): the counted stays
of applications the county approved in the month (each with its share of the approved aid) and the
live one-stop settlements discharged in the month. Every breakdown is one GROUP BY over an index
range of that table, with money kept in whole cents so SQLite and PostgreSQL give exact, identical
sums.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import connection

from aidflow.cases.models import AidLedgerMonth, AidLedgerRow
from aidflow.regions.models import Region

MONEY = (
    "total_cost",
    "eligible_cost",
    "basic_insurance",
    "serious_illness_insurance",
    "other_payments",
    # Paid before aid beside the other payments (POLICY section 9): shown, not in other_payments.
    "hospital_reduction",
    "emergency_fund",
    "aid",
)
FIGURES = ("persons", "person_times", *MONEY)
UNKNOWN = "unknown"


def _rows_sql() -> str:
    """The month's stay rows of one region (county or city) from the aid ledger: applications by
    decision day, settlements by discharge day."""
    table = AidLedgerRow._meta.db_table
    return f"""
        SELECT person, region, category, aid_type, route, level, chapter AS icd10, day,
               total_cost, eligible_cost, basic_insurance, serious_illness_insurance, other_payments,
               hospital_reduction, emergency_fund, aid
          FROM {table}
         WHERE day >= %s AND day <= %s AND region LIKE %s
    """  # noqa: S608 - the table name comes from the model, values are parameters


def _sums_sql(key: str | None) -> str:
    sums = ", ".join(f"SUM(r.{name})" for name in MONEY)
    select_key = f"{key} AS key, " if key else ""
    group = f" GROUP BY {key}" if key else ""
    return f"SELECT {select_key}COUNT(DISTINCT r.person), COUNT(*), {sums} FROM ({_rows_sql()}) r{group}"  # noqa: S608


def _key(value) -> str:
    return str(value) if value not in (None, "") else UNKNOWN


def _grouping_sets(breakdowns: dict[str, str], params: list) -> dict:
    """The totals and every breakdown in one pass over the month's rows (PostgreSQL's GROUPING
    SETS): a city's month is read once instead of seven times. GROUPING(key) is 0 on the rows of
    that key's breakdown; the totals' row has every flag at 1."""
    keys = list(breakdowns.values())
    flags = ", ".join(f"GROUPING({key})" for key in keys)
    sums = ", ".join(f"SUM(r.{name})" for name in MONEY)
    sets = ", ".join(["()", *(f"({key})" for key in keys)])
    sql = (
        f"SELECT {flags}, {', '.join(keys)}, COUNT(DISTINCT r.person), COUNT(*), {sums} "  # noqa: S608
        f"FROM ({_rows_sql()}) r GROUP BY GROUPING SETS ({sets})"
    )
    found: dict = {name: {} for name in breakdowns}
    found["totals"] = _empty()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            grouped, values, block = row[: len(keys)], row[len(keys) : 2 * len(keys)], _block(row[2 * len(keys) :])
            if all(grouped):
                found["totals"] = block
                continue
            index = grouped.index(0)
            found[list(breakdowns)[index]][_key(values[index])] = block
    return found


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def _block(values) -> dict:
    persons, times, *cents = values
    block = {"persons": int(persons or 0), "person_times": int(times or 0)}
    for name, amount in zip(MONEY, cents, strict=True):
        block[name] = f"{Decimal(int(amount or 0)) / 100:.2f}"
    return block


def _empty() -> dict:
    return _block((0, 0, *([0] * len(MONEY))))


# Bump when the figures' shape or arithmetic changes: older cached figures are then never read.
FIGURES_VERSION = 2
CACHE_SECONDS = 7 * 24 * 3600


def ledger_signature(region: str, year: int, month: int) -> str:
    """How many writes the ledger has had in this region's month (AidLedgerMonth.changes: it only
    grows, so figures cached under one value are current exactly while it stays), with the month's
    rows and aid (a database restored from a backup starts counting again)."""
    table = AidLedgerMonth._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM(changes), 0), COALESCE(SUM(rows), 0), COALESCE(SUM(aid), 0) "  # noqa: S608
            f"FROM {table} WHERE month = %s AND region LIKE %s",
            [f"{year:04d}-{month:02d}", f"{region}%"],
        )
        return "-".join(str(int(value)) for value in cursor.fetchone())


def monthly_figures(*, region: str, year: int, month: int) -> dict:
    """The figures of INTERFACES section 10 for a county (by township) or a city (by county).

    A city's month is ~70,000 stays at a million applications (a quarter of a second to add up),
    and months are read far more often than they change: the figures are cached with the month's
    ledger signature, read first, and served while the signature stays; a write that lands while
    they are added up moves the signature, so the next read adds them up again."""
    signature = ledger_signature(region, year, month)
    key = f"aidflow:monthly:{FIGURES_VERSION}:{region}:{year:04d}-{month:02d}"
    cached = cache.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    figures = _monthly_figures(region=region, year=year, month=month)
    # One entry per region and month, replaced when the month changes. Not from inside a
    # transaction: its own uncommitted writes are in the signature, and it may yet roll back.
    if not connection.in_atomic_block:
        cache.set(key, (signature, figures), CACHE_SECONDS)
    return figures


def _monthly_figures(*, region: str, year: int, month: int) -> dict:
    first, last = month_bounds(year, month)
    params = [first, last, f"{region}%"]
    by_region_length = 9 if len(region) == 6 else 6
    breakdowns = {
        "by_township" if len(region) == 6 else "by_county": f"SUBSTR(r.region, 1, {by_region_length})",
        "by_category": "r.category",
        "by_aid_type": "r.aid_type",
        "by_route": "r.route",
        "by_hospital_level": "r.level",
        "by_disease_chapter": "r.icd10",
    }
    figures = {"region": region, "month": f"{year:04d}-{month:02d}"}
    if connection.vendor == "postgresql":
        figures.update(_grouping_sets(breakdowns, params))
    else:
        with connection.cursor() as cursor:
            cursor.execute(_sums_sql(None), params)
            figures["totals"] = _block(cursor.fetchone())
            for name, key in breakdowns.items():
                cursor.execute(_sums_sql(key), params)
                figures[name] = {_key(row[0]): _block(row[1:]) for row in cursor.fetchall()}
    figures["by_route"] = {route: figures["by_route"].get(route, _empty()) for route in ("application", "settlement")}
    region_key = "by_township" if len(region) == 6 else "by_county"
    names = dict(Region.objects.filter(code__in=figures[region_key]).values_list("code", "name"))
    for code, block in figures[region_key].items():
        block["name"] = names.get(code, "")
    figures["checks"] = figures_check(figures)
    return figures


BREAKDOWNS = (
    "by_township",
    "by_county",
    "by_category",
    "by_aid_type",
    "by_route",
    "by_hospital_level",
    "by_disease_chapter",
)


def _money(block: dict, name: str) -> Decimal:
    # Figures signed off before the reduction and the emergency fund were counted lack them: 0.
    return Decimal(block.get(name, "0.00"))


def figures_check(figures: dict) -> list[dict]:
    """The logic between the figures (seed 000 line ~41): each check names what it compared."""
    totals = figures["totals"]
    checks = [
        {
            "code": "AID_WITHIN_ELIGIBLE",
            "ok": _money(totals, "aid") <= _money(totals, "eligible_cost"),
            "message": f"救助金额 {totals['aid']} ≤ 合规费用 {totals['eligible_cost']}",
        },
        {
            "code": "ELIGIBLE_WITHIN_TOTAL",
            "ok": _money(totals, "eligible_cost") <= _money(totals, "total_cost"),
            "message": f"合规费用 {totals['eligible_cost']} ≤ 总费用 {totals['total_cost']}",
        },
        {
            "code": "PAYMENTS_WITHIN_TOTAL",
            "ok": sum(
                _money(totals, name)
                for name in (
                    "basic_insurance",
                    "serious_illness_insurance",
                    "other_payments",
                    "hospital_reduction",
                    "emergency_fund",
                    "aid",
                )
            )
            <= _money(totals, "total_cost"),
            "message": "基本医保 + 大病保险 + 其他支付 + 医院减免 + 疾病应急救助 + 救助金额 ≤ 总费用",
        },
        {
            "code": "PERSONS_WITHIN_PERSON_TIMES",
            "ok": all(
                block["persons"] <= block["person_times"]
                for block in [totals, *(b for name in BREAKDOWNS for b in figures.get(name, {}).values())]
            ),
            "message": f"人数 {totals['persons']} ≤ 人次 {totals['person_times']}（合计及各分组）",
        },
    ]
    for name in BREAKDOWNS:
        if name not in figures:
            continue
        blocks = list(figures[name].values())
        sums_agree = sum(block["person_times"] for block in blocks) == totals["person_times"] and all(
            sum((_money(block, money) for block in blocks), Decimal("0.00")) == _money(totals, money) for money in MONEY
        )
        checks.append(
            {
                "code": f"SUM_{name.upper()}",
                "ok": sums_agree,
                "message": f"{BREAKDOWN_TITLES[name]}：各组人次及金额之和等于合计",
            }
        )
    return checks


BREAKDOWN_TITLES = {
    "by_township": "按乡镇（街道）",
    "by_county": "按县（市、区）",
    "by_category": "按救助对象类别",
    "by_aid_type": "按救助类型",
    "by_route": "按救助途径",
    "by_hospital_level": "按医院等级",
    "by_disease_chapter": "按疾病（ICD-10 章）",
}


def monthly_series(*, region: str, year: int, month: int, months: int = 12) -> dict:
    """Aid per month over the `months` months ending with this one, by township (city: county) and
    by category: two GROUP BY queries over the ledger's monthly sums (`cases.AidLedgerMonth`, a few
    rows per village and month) rather than over every stay of the year."""
    index = year * 12 + month - 1
    keys = [f"{(index - back) // 12:04d}-{(index - back) % 12 + 1:02d}" for back in range(months - 1, -1, -1)]
    params = [keys[0], keys[-1], f"{region}%"]
    length = 9 if len(region) == 6 else 6
    table = AidLedgerMonth._meta.db_table
    series = {"months": keys}
    with connection.cursor() as cursor:
        for name, key in (("by_region", f"SUBSTR(m.region, 1, {length})"), ("by_category", "m.category")):
            cursor.execute(
                f"SELECT m.month, {key}, SUM(m.aid) FROM {table} m "  # noqa: S608 - names from the model
                f"WHERE m.month >= %s AND m.month <= %s AND m.region LIKE %s AND m.rows > 0 GROUP BY m.month, {key}",
                params,
            )
            sums: dict[str, list[str]] = {}
            for month_text, code, cents in cursor.fetchall():
                values = sums.setdefault(str(code or UNKNOWN), ["0.00"] * len(keys))
                values[keys.index(month_text)] = f"{Decimal(int(cents or 0)) / 100:.2f}"
            series[name] = sums
    return series
