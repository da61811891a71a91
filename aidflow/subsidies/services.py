"""Premium subsidy rosters (资助参保, INTERFACES section 12): built from the rolls, confirmed by the
county approver, exported for the insurance agency, its answer recorded (all rows or none), paid
through a payment batch (aidflow.payments). Every step audited.

The roll day of a year is the policy's `premium_subsidy.reference_date` in that year (the policy in
force on it); the year's first roster lists every 特困 and 低保 person on a roll of the county that
day, each later one (supplementary) those on such a roll since then up to today and not yet listed.
A person on both rolls is listed once, as 特困."""

from __future__ import annotations

import datetime
import hashlib
import io
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_read, audit_record
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.core.fields import money_text
from aidflow.core.inserts import rows_insert
from aidflow.core.payment import ACCOUNT
from aidflow.core.tables import table_upload
from aidflow.policy.models import Category
from aidflow.policy.services import policy_select
from aidflow.regions.codes import county_read
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of, scope_codes
from aidflow.rolls.models import RollPeriod
from aidflow.subsidies.models import PremiumEntry, PremiumRoster, RosterStatus

COVERED = (Category.TEKUN, Category.DIBAO)  # 特困 first: a person on both rolls is listed as 特困
APPROVE = ["regions.approve_county"]
ENTRY_COLUMNS = ["roster", "county", "year", "id_number", "name", "category", "region", "amount", "result", "reason"]
RESULT_HEADER = ["id_number", "result", "reason"]
# The same columns as the agency's staff may head them in Chinese.
RESULT_HEADER_ZH = ["身份证号", "结果", "原因"]
RESULT_WORDS = {"accepted": "accepted", "rejected": "rejected", "成功": "accepted", "失败": "rejected"}


def _approver(user, county: str) -> None:
    if role_of(user) != Role.COUNTY_APPROVER:
        raise ActionForbidden(_("The county approver builds and confirms the premium subsidy rosters."))
    if not in_scope(user, county, APPROVE):
        raise NotFound(_("No such county in your scope."))


def rosters_visible(user):
    """The rosters of the counties in the user's scope (approver, finance, auditor)."""
    if role_of(user) not in (Role.COUNTY_APPROVER, Role.COUNTY_FINANCE, Role.AUDITOR):
        return PremiumRoster.objects.none()
    where = Q(pk__in=[])
    for code in scope_codes(user):
        where |= Q(county__startswith=code[:6]) if len(code) >= 6 else Q(county__startswith=code)
    return PremiumRoster.objects.filter(where)


def roster_get(*, user, pk) -> PremiumRoster:
    roster = rosters_visible(user).filter(pk=pk).first()
    if roster is None:
        raise NotFound(_("No such roster."))
    return roster


def _read(data: object) -> tuple[str, int]:
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    errors, county, year = {}, None, None
    try:
        county = county_read(data.get("county"))
    except InputErrors as error:
        errors.update(error.errors)
    text = str(data.get("year") or "")
    today = timezone.localdate()
    if not text.isdigit() or not 2000 <= int(text) <= today.year + 1:
        errors["year"] = [_("A year from 2000 to next year, written YYYY.")]
    else:
        year = int(text)
    if errors:
        raise InputErrors(errors)
    return county, year


def _terms(county: str, year: int) -> tuple[str, datetime.date, Decimal]:
    """(policy code, roll day, premium) of a county's year: the policy in force on 1 January."""
    version = policy_select(region_code=county, filing_date=datetime.date(year, 1, 1))
    terms = version.premium_subsidy if version is not None else None
    if not terms:
        raise InputErrors({"year": [_("The policy in force that year gives no premium subsidy (premium_subsidy).")]})
    day = datetime.date.fromisoformat(terms["reference_date"])
    try:
        day = day.replace(year=year)
    except ValueError:  # 29 February in a common year
        day = day.replace(year=year, day=28)
    return version.code, day, Decimal(terms["amount"])


def _persons(county: str, first: datetime.date, last: datetime.date, listed: set[str]) -> dict[str, tuple]:
    """{id_number: (name, category, region)} on a covered roll of the county between the two days."""
    periods = (
        RollPeriod.objects.filter(region__startswith=county, category__in=COVERED, valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .values_list("id_number", "name", "category", "region")
        .order_by("id_number")
    )
    found: dict[str, tuple] = {}
    for id_number, name, category, region in periods.iterator(chunk_size=5000):
        if id_number in listed:
            continue
        if id_number not in found or category == Category.TEKUN:
            found[id_number] = (name, category, region)
    return found


def roster_build(*, user, data: object) -> PremiumRoster:
    """A draft roster of a county's year: the first from the roll day, later ones supplementary."""
    if role_of(user) != Role.COUNTY_APPROVER:
        raise ActionForbidden(_("The county approver builds and confirms the premium subsidy rosters."))
    county, year = _read(data)
    _approver(user, county)
    policy_code, day, amount = _terms(county, year)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            existing = PremiumRoster.objects.select_for_update().filter(county=county, year=year)
            if any(roster.status == RosterStatus.DRAFT for roster in existing):
                raise Conflict({"year": [_("A draft roster of this year is waiting: confirm or discard it first.")]})
            supplementary = existing.exists()
            listed = set(PremiumEntry.objects.filter(county=county, year=year).values_list("id_number", flat=True))
            last = min(today, datetime.date(year, 12, 31)) if supplementary else day
            persons = _persons(county, day, max(last, day), listed)
            if not persons:
                message = (
                    _("Nobody on the rolls is left to add for this year.")
                    if supplementary
                    else _("Nobody was on a 特困 or 低保 roll of the county on %(day)s.") % {"day": day.isoformat()}
                )
                raise Conflict({"year": [message]})
            number = f"ZC-{county}-{year}-{len(existing) + 1:02d}"
            roster = PremiumRoster.objects.create(
                number=number,
                county=county,
                year=year,
                supplementary=supplementary,
                policy_code=policy_code,
                reference_date=day,
                amount=amount,
                count=len(persons),
                total=amount * len(persons),
                created_by=user,
                created_at=timezone.now(),
            )
            rows_insert(
                PremiumEntry,
                ENTRY_COLUMNS,
                [
                    (roster.pk, county, year, id_number, name, category, region, amount, "", "")
                    for id_number, (name, category, region) in persons.items()
                ],
            )
            audit_record(
                actor=user,
                action=AuditAction.PREMIUM_ROSTER_BUILT,
                region=county,
                details={"roster": number, "year": year, "count": roster.count, "total": money_text(roster.total)},
            )
    except IntegrityError:
        raise Conflict({"year": [_("Another roster of this year was built at the same moment; try again.")]}) from None
    return roster


def roster_discard(*, user, pk) -> None:
    with transaction.atomic():
        roster = roster_get(user=user, pk=pk)
        _approver(user, roster.county)
        roster = PremiumRoster.objects.select_for_update().get(pk=roster.pk)
        if roster.status != RosterStatus.DRAFT:
            raise Conflict({"status": [_("Only a draft roster can be discarded.")]})
        audit_record(
            actor=user,
            action=AuditAction.PREMIUM_ROSTER_DISCARDED,
            region=roster.county,
            details={"roster": roster.number, "count": roster.count},
        )
        roster.delete()


def fund_account_of(county: str) -> PremiumRoster | None:
    """The county's last roster with the insurance fund's account: the default of the next one."""
    return PremiumRoster.objects.filter(county=county).exclude(account="").order_by("-pk").first()


def roster_confirm(*, user, pk, data: object) -> PremiumRoster:
    """Confirm a draft with the insurance fund's account: the roster becomes payable."""
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    with transaction.atomic():
        roster = roster_get(user=user, pk=pk)
        _approver(user, roster.county)
        roster = PremiumRoster.objects.select_for_update().get(pk=roster.pk)
        if roster.status != RosterStatus.DRAFT:
            raise Conflict({"status": [_("This roster was confirmed already.")]})
        earlier = fund_account_of(roster.county)
        payee = str(data.get("payee") or (earlier.payee if earlier else "")).strip()
        bank = str(data.get("bank") or (earlier.bank if earlier else "")).strip()
        account = str(data.get("account") or (earlier.account if earlier else "")).strip().replace(" ", "")
        errors = {}
        if not payee or len(payee) > 200:
            errors["payee"] = [_("The insurance fund's account name, 1-200 characters.")]
        if not bank or len(bank) > 100:
            errors["bank"] = [_("The bank, 1-100 characters.")]
        if not ACCOUNT.match(account):
            errors["account"] = [_("An account number has 10-30 digits.")]
        if errors:
            raise InputErrors(errors)
        roster.payee, roster.bank, roster.account = payee, bank, account
        roster.status, roster.confirmed_by, roster.confirmed_at = RosterStatus.CONFIRMED, user, timezone.now()
        roster.save(update_fields=["payee", "bank", "account", "status", "confirmed_by", "confirmed_at"])
        audit_record(
            actor=user,
            action=AuditAction.PREMIUM_ROSTER_CONFIRMED,
            region=roster.county,
            details={"roster": roster.number, "count": roster.count, "total": money_text(roster.total)},
        )
    return roster


def roster_payable_amount(roster: PremiumRoster) -> Decimal:
    """What the fund is paid: the roster's premiums, less those the agency rejected."""
    return roster.total - roster.amount * roster.rejected


def roster_workbook(*, user, pk) -> tuple[PremiumRoster, bytes]:
    """The insurance agency's file: one row per person, in full (a recorded read)."""
    from openpyxl import Workbook

    roster = roster_get(user=user, pk=pk)
    if roster.status == RosterStatus.DRAFT:
        raise Conflict({"status": [_("Confirm the roster before sending it to the agency.")]})
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("资助参保名册")
    sheet.append([f"{roster.year}年度资助参保名册 {roster.number} 基准日{roster.reference_date}"])
    sheet.append(["序号", "身份证号", "姓名", "类别", "区划代码", "资助金额"])
    names = {Category.TEKUN: "特困人员", Category.DIBAO: "低保对象"}
    entries = roster.entries.order_by("id_number").values_list("id_number", "name", "category", "region", "amount")
    for index, (id_number, name, category, region, amount) in enumerate(entries.iterator(chunk_size=5000), start=1):
        sheet.append([index, id_number, name, names.get(category, category), region, amount])
    sheet.append(["合计", "", "", "", "", roster.total])
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_read(
        actor=user,
        action=AuditAction.PREMIUM_ROSTER_EXPORTED,
        region=roster.county,
        details={"roster": roster.number, "count": roster.count},
    )
    return roster, buffer.getvalue()


def roster_results(*, user, pk, upload) -> PremiumRoster:
    """The agency's answer for every person of the roster (身份证号,结果,原因 or id_number,result,reason;
    the result 成功 or 失败, accepted or rejected): all rows or none, each bad row named."""
    if upload is None:
        raise InputErrors({"file": [_("Choose the agency's file.")]})
    content = upload.read()
    upload.seek(0)
    table = table_upload(upload)
    if table.header[:3] not in (RESULT_HEADER, RESULT_HEADER_ZH):
        message = _("Row 1 (header): the header must be %(header)s.")
        headers = f"{','.join(RESULT_HEADER_ZH)} / {','.join(RESULT_HEADER)}"
        raise InputErrors({"file": [message % {"header": headers}]})
    with transaction.atomic():
        roster = roster_get(user=user, pk=pk)
        _approver(user, roster.county)
        roster = PremiumRoster.objects.select_for_update().get(pk=roster.pk)
        if roster.status != RosterStatus.CONFIRMED:
            raise Conflict({"status": [_("The agency's answer is recorded once, for a confirmed roster.")]})
        entries = {entry.id_number: entry for entry in roster.entries.all()}
        errors, seen = {}, set()
        for number, row in table.records(RESULT_HEADER):
            id_number = row.get("id_number", "").upper()
            result = RESULT_WORDS.get(row.get("result", ""))
            if id_number not in entries:
                errors[f"row {number}.id_number"] = [_("Not on this roster.")]
            elif id_number in seen:
                errors[f"row {number}.id_number"] = [_("Appears twice in the file.")]
            if result is None:
                errors[f"row {number}.result"] = [_("The result is accepted or rejected (成功 or 失败).")]
            elif result == "rejected" and not row.get("reason"):
                errors[f"row {number}.reason"] = [_("Give the agency's reason for a rejection.")]
            seen.add(id_number)
            if id_number in entries and result:
                entries[id_number].result, entries[id_number].reason = result, row.get("reason", "")[:200]
        missing = len(set(entries) - seen)
        if missing:
            errors["file"] = [_("%(count)d persons of the roster have no answer in the file.") % {"count": missing}]
        if errors:
            raise InputErrors(errors)
        # One UPDATE per answer and reason (most rows share one), a chunk of persons at a time.
        groups: dict[tuple[str, str], list[int]] = {}
        for entry in entries.values():
            groups.setdefault((entry.result, entry.reason), []).append(entry.pk)
        for (result, reason), keys in groups.items():
            for first in range(0, len(keys), 5000):
                PremiumEntry.objects.filter(pk__in=keys[first : first + 5000]).update(result=result, reason=reason)
        roster.accepted = sum(entry.result == "accepted" for entry in entries.values())
        roster.rejected = len(entries) - roster.accepted
        roster.status, roster.results_at, roster.results_by = RosterStatus.RECORDED, timezone.now(), user
        roster.results_sha256 = hashlib.sha256(content).hexdigest()
        roster.save(update_fields=["accepted", "rejected", "status", "results_at", "results_by", "results_sha256"])
        audit_record(
            actor=user,
            action=AuditAction.PREMIUM_RESULTS_RECORDED,
            region=roster.county,
            details={
                "roster": roster.number,
                "accepted": roster.accepted,
                "rejected": roster.rejected,
                "sha256": roster.results_sha256,
            },
        )
    return roster


def premium_month(*, region: str, first: datetime.date, last: datetime.date) -> dict:
    """The month's premium subsidies of a county or city, for the monthly statistics: the rosters
    confirmed in it (persons and premiums) and what was paid to the insurance fund in it."""
    confirmed = PremiumRoster.objects.filter(
        county__startswith=region, confirmed_at__date__gte=first, confirmed_at__date__lte=last
    ).aggregate(rosters=Count("pk"), persons=Sum("count"), amount=Sum("total"))
    paid = PremiumRoster.objects.filter(
        county__startswith=region, payment_status="paid", paid_on__gte=first, paid_on__lte=last
    ).aggregate(amount=Sum(F("total") - F("amount") * F("rejected")))
    return {
        "rosters": confirmed["rosters"] or 0,
        "persons": confirmed["persons"] or 0,
        "amount": money_text(confirmed["amount"] or Decimal("0.00")),
        "paid": money_text(paid["amount"] or Decimal("0.00")),
    }
