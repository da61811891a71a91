"""The settlement window (结算窗口): the roll on the discharge date, the same calculator and policy
versions as applications, the shared annual history, one stay one aid; then a numbered settlement
the hospital advances, or its reversal while unclaimed (INTERFACES section 8)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.cases.models import StayClaim
from aidflow.cases.services.calculation import category_error, person_history, request_gates
from aidflow.cases.services.claims import (
    REFUSED_FOR_CORRECTION,
    claim_holder,
    held_message,
    hospital_key,
    normalised,
)
from aidflow.cases.services.ledger import ledger_settlement_add
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NoAidDue
from aidflow.core.fields import FieldReader, money_text
from aidflow.core.identity import mask_name, mask_resident_id
from aidflow.core.locks import person_lock
from aidflow.core.numbering import take_next
from aidflow.policy.calculator import CalculationResult, ReasonCode, calculate
from aidflow.policy.models import POVERTY_REGISTERED, AidType, PolicyVersion
from aidflow.policy.requests import CalculationRequest, parse_request
from aidflow.policy.services import policy_select, policy_terms
from aidflow.regions.codes import code_at, county_of
from aidflow.regions.models import Level, Role
from aidflow.regions.scope import role_of
from aidflow.rolls.models import Hospital, RollPeriod
from aidflow.rolls.selectors import roll_period_during
from aidflow.rolls.suspensions import suspension_in_force, suspension_message
from aidflow.settlements.models import LIVE_STATUSES, Settlement, SettlementCounter

# The registered poor (建档立卡贫困人口) are treated first and pay afterwards, with no deposit.
PAY_FIRST_CATEGORY = POVERTY_REGISTERED
# One-stop settlement serves the two inpatient aid types (seed 002 line ~1792).
SETTLEMENT_AID_TYPES = (AidType.HOSPITALIZATION, AidType.MAJOR_DISEASE)
STAY_FIELDS = (
    "admission_date",
    "discharge_date",
    "total_cost",
    "eligible_cost",
    "basic_insurance",
    "serious_illness_insurance",
    "other_insurance",
    "charity",
    "hospital_reduction",
    "emergency_fund",
    "diagnosis",
    "icd10",
)


@dataclass(frozen=True)
class Quote:
    """What the window shows before the clerk confirms: the roll, the calculation, the shares."""

    hospital: Hospital
    id_number: str
    name: str
    insured: bool
    aid_type: str
    period: RollPeriod
    version: PolicyVersion
    request: CalculationRequest
    calculation_input: dict
    result: CalculationResult
    patient_pays: Decimal
    cap_left: Decimal | None

    @property
    def stay(self):
        return self.request.stays[0]

    @property
    def pay_first(self) -> bool:
        """先诊疗、后付费 (seed 000 line ~35): the registered poor pay no deposit."""
        return self.period.category == PAY_FIRST_CATEGORY

    def as_json(self) -> dict:
        return {
            "category": self.period.category,
            "region": self.period.region,
            "amount": money_text(self.result.amount),
            "patient_pays": money_text(self.patient_pays),
            "pay_first": self.pay_first,
            "cap_left": money_text(self.cap_left) if self.cap_left is not None else None,
            "calculation": self.result.as_json(),
        }


def clerk_hospital(user) -> Hospital:
    """The hospital whose window the user works; only hospital clerks settle."""
    if role_of(user) != Role.HOSPITAL_CLERK or user.staff.hospital_id is None:
        raise ActionForbidden(_("Only a designated hospital's settlement clerk settles at the window."))
    return user.staff.hospital


def _read(data: object) -> tuple[dict, FieldReader]:
    """The patient and the aid type; the stay is read by the calculator's own parser."""
    reader = FieldReader()
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    patient = reader.obj(data, "patient", "patient") or {}
    values = {
        "id_number": reader.text(patient, "id_number", "patient.id_number", max_length=18) if patient else None,
        "name": reader.text(patient, "name", "patient.name", max_length=50) if patient else None,
        "insured": reader.boolean(patient, "insured", "patient.insured", default=True) if patient else True,
        "aid_type": reader.choice(data, "aid_type", "aid_type", list(SETTLEMENT_AID_TYPES)),
        "stay": reader.obj(data, "stay", "stay"),
    }
    return values, reader


def _request_data(hospital: Hospital, values: dict, region: str, category: str, today: datetime.date) -> dict:
    """The calculation request (INTERFACES section 4) of a settlement. The window's day stands for
    the filing date (claim window); key recipients' aid does not depend on income, so the household
    is recorded as the roll's, not asked."""
    stay = values["stay"] or {}
    return {
        "region": region,
        "filing_date": today.isoformat(),
        "category": category,
        "aid_type": values["aid_type"],
        "patient": {"id_number": values["id_number"], "insured": values["insured"]},
        "household": {"size": 1, "monthly_income": "0.00", "residence": "rural"},
        "stays": [
            {
                "hospital": hospital.name,
                "hospital_code": hospital.code,
                "hospital_level": hospital.level,
                **{key: stay.get(key) for key in STAY_FIELDS if key in stay},
            }
        ],
    }


def _stay_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The calculator names the stay `stays[0]`; a settlement has one `stay`."""
    return {key.replace("stays[0]", "stay").replace("stays", "stay"): value for key, value in errors.items()}


def _parse(hospital: Hospital, values: dict, reader: FieldReader, today: datetime.date) -> CalculationRequest:
    """Every field checked at once, with the hospital's own county standing in for the region."""
    try:
        request = parse_request(_request_data(hospital, values, hospital.county_id, "dibao", today), today=today)
    except InputErrors as error:
        for path, messages in _stay_errors(error.errors).items():
            if path not in reader.errors:
                for message in messages:
                    reader.error(path, message)
        request = None
    if request is not None:
        stay = request.stays[0]
        if not stay.diagnosis:
            reader.error("stay.diagnosis", _("The main discharge diagnosis is required."))
        if not hospital.designated_on(stay.discharge_date):
            reader.error(
                "stay.discharge_date",
                _("On %(day)s the hospital was not a designated hospital.") % {"day": stay.discharge_date.isoformat()},
            )
    if (suspension := suspension_in_force(hospital, today)) is not None:  # the county stopped the window
        reader.error("hospital", suspension_message(suspension) + " " + _("The window makes no new settlement."))
    reader.raise_if_any()
    return request


def _no_aid(code: str, message: str) -> NoAidDue:
    return NoAidDue(_("No aid is due: nothing was recorded."), [{"code": code, "message": message}])


def settlement_quote(*, user, data: object, today: datetime.date | None = None) -> Quote:
    """Check and compute a settlement without recording it: InputErrors (400), NoAidDue (422) with
    the reason codes, Conflict (409) for a stay already claimed anywhere."""
    hospital = clerk_hospital(user)
    today = today or timezone.localdate()
    values, reader = _read(data)
    parsed = _parse(hospital, values, reader, today)
    number = parsed.patient.number
    discharge = parsed.stays[0].discharge_date

    admitted = parsed.stays[0].admission_date
    # Status when the costs arose (INTERFACES section 11): on a roll on at least one day of the stay.
    period = roll_period_during(
        id_number=number, first=admitted, last=discharge, within=code_at(hospital.county_id, Level.CITY)
    )
    if period is None:
        raise _no_aid(
            ReasonCode.NOT_ON_ROLL,
            _(
                "From %(first)s to %(last)s, the days of the stay, the patient was on no roll of key "
                "recipients in this city."
            )
            % {"first": admitted.isoformat(), "last": discharge.isoformat()},
        )
    _name_check(values["name"], period)
    # Whose money, whose rules: the paying county's policy on the discharge date.
    version = policy_select(region_code=period.region, filing_date=discharge)
    if version is None:
        raise _no_aid(ReasonCode.NO_POLICY, _("No medical-aid policy applies to the patient's region on that day."))
    if category_error(period.category, version):
        raise _no_aid(
            ReasonCode.RULE_NOT_CONFIGURED,
            _("The policy %(code)s does not declare the roll's category %(category)s.")
            % {"code": version.code, "category": period.category},
        )
    calculation_input = _request_data(hospital, values, period.region, period.category, today)
    extra = [item["code"] for item in version.extra_categories]
    request = parse_request(calculation_input, today=today, extra_categories=extra)
    # A stay already claimed is a conflict whatever the calculation would say (a retried request) -
    # unless the county sent this hospital's settlement of it back for correction.
    holder = claim_holder(id_number=number, key=_key(hospital), admitted=request.stays[0].admission_date)
    if holder is not None and holder.refused != REFUSED_FOR_CORRECTION:
        raise Conflict({"stay": [held_message(holder)]})
    _overlap_check(hospital, number, request.stays[0])
    history = person_history(
        id_number=number, aid_type=request.aid_type, year=discharge.year, version=version, category=period.category
    )
    gated = request_gates(request, version)
    for code in gated.gates.excluded.values():
        raise _no_aid(code, gated.gates.notes.get(0) or code)
    result = calculate(request, policy_terms(version), history, gated.gates)
    if not result.eligible or result.amount <= 0:
        raise NoAidDue(
            _("No aid is due: nothing was recorded."),
            [{"code": reason.code, "message": reason.message} for reason in result.reasons],
            result.as_json(),
        )
    stay = request.stays[0]
    paid = stay.paid_by_others
    cap = Decimal(result.as_json()["policy"]["annual_cap"])
    return Quote(
        hospital=hospital,
        id_number=number,
        name=values["name"],
        insured=request.insured,
        aid_type=request.aid_type,
        period=period,
        version=version,
        request=request,
        calculation_input=calculation_input,
        result=result,
        patient_pays=stay.total_cost - paid - result.amount,
        cap_left=max(Decimal("0.00"), cap - history.granted_before - result.amount),
    )


def _name_check(name: str | None, period: RollPeriod) -> None:
    """The window records the person the roll lists for that ID number, never another name."""
    if name and normalised(name) != normalised(period.name):
        raise InputErrors(
            {
                "patient.name": [
                    _("The roll lists this ID number under the name %(name)s: check the patient's ID card.")
                    % {"name": mask_name(period.name)}
                ]
            }
        )


def _overlap_check(hospital: Hospital, id_number: str, stay) -> None:
    """Nobody lies in one hospital twice at once: a stay overlapping a live settlement of the same
    person there is the same stay entered with another admission date (a readmission on the day of
    discharge does not overlap)."""
    overlapping = (
        Settlement.objects.filter(
            id_number=id_number,
            hospital=hospital,
            status__in=LIVE_STATUSES,
            admission_date__lt=stay.discharge_date,
            discharge_date__gt=stay.admission_date,
        )
        .order_by("admission_date")
        .first()
    )
    if overlapping is not None:
        raise Conflict(
            {
                "stay": [
                    _("This stay overlaps settlement %(number)s (%(admitted)s to %(discharged)s) in this hospital.")
                    % {
                        "number": overlapping.number,
                        "admitted": overlapping.admission_date.isoformat(),
                        "discharged": overlapping.discharge_date.isoformat(),
                    }
                ]
            }
        )


def _key(hospital: Hospital) -> str:
    return hospital_key(hospital=hospital.name, hospital_code=hospital.code)


def settlement_record(*, user, data: object, today: datetime.date | None = None) -> Settlement:
    """Quote again under the person's lock, then record the settlement, claim its stay and audit it."""
    today = today or timezone.localdate()
    clerk_hospital(user)
    with transaction.atomic():
        if isinstance(data, dict) and isinstance(data.get("patient"), dict):
            person_lock(str(data["patient"].get("id_number", "")).strip().upper())
        quote = settlement_quote(user=user, data=data, today=today)
        stay = quote.stay
        hospital = quote.hospital
        stay_claim = _stay_claim_take(quote.id_number, _key(hospital), stay.admission_date)
        year = today.year
        prefix = f"JS-{hospital.code}"
        number = f"{prefix}-{year}-{take_next(SettlementCounter, prefix=prefix, year=year):05d}"
        stay_claim.reference = number
        stay_claim.save(update_fields=["reference", "refused"])
        settlement = Settlement.objects.create(
            number=number,
            hospital=hospital,
            settled_by=user,
            settled_at=timezone.now(),
            id_number=quote.id_number,
            name=quote.name,
            category=quote.period.category,
            region=quote.period.region,
            county=county_of(quote.period.region),
            insured=quote.insured,
            aid_type=quote.aid_type,
            **{key: getattr(stay, key) for key in STAY_FIELDS},
            amount=quote.result.amount,
            patient_pays=quote.patient_pays,
            pay_first=quote.pay_first,
            remaining_total=quote.result.remaining,
            medical_year=stay.discharge_date.year,
            policy=quote.version,
            calculation_input=quote.calculation_input,
            calculation=quote.result.as_json(),
            stay_claim=stay_claim,
        )
        ledger_settlement_add(
            number=number,
            day=stay.discharge_date,
            region=settlement.region,
            person=settlement.id_number,
            category=settlement.category,
            aid_type=settlement.aid_type,
            level=hospital.level,
            icd10=stay.icd10,
            costs={
                "total_cost": stay.total_cost,
                "eligible_cost": stay.eligible_cost,
                "basic_insurance": stay.basic_insurance,
                "serious_illness_insurance": stay.serious_illness_insurance,
                "other_payments": stay.other_insurance + stay.charity,
                "hospital_reduction": stay.hospital_reduction,
                "emergency_fund": stay.emergency_fund,
            },
            aid=settlement.amount,
        )
        audit_record(
            actor=user,
            action=AuditAction.SETTLEMENT_RECORDED,
            region=settlement.region,
            details={
                "number": number,
                "hospital": hospital.code,
                "id_number": mask_resident_id(settlement.id_number),
                "category": settlement.category,
                "aid_type": settlement.aid_type,
                "discharge_date": stay.discharge_date.isoformat(),
                "amount": money_text(settlement.amount),
                "patient_pays": money_text(settlement.patient_pays),
                "pay_first": settlement.pay_first,
                "policy": quote.version.code,
            },
        )
    return settlement


def _stay_claim_take(id_number: str, key: str, admitted) -> StayClaim:
    """Claim the stay for a new settlement: a fresh claim, or the claim the county sent back to this
    hospital for correction (locked, so two windows cannot both take it)."""
    returned = (
        StayClaim.objects.select_for_update()
        .filter(id_number=id_number, hospital_key=key, admission_date=admitted, refused=REFUSED_FOR_CORRECTION)
        .first()
    )
    if returned is not None:
        returned.refused = ""
        return returned
    try:
        with transaction.atomic():
            return StayClaim.objects.create(id_number=id_number, hospital_key=key, admission_date=admitted)
    except IntegrityError as error:  # another window or filing took the stay first
        holder = claim_holder(id_number=id_number, key=key, admitted=admitted)
        raise Conflict({"stay": [held_message(holder) if holder else _("This stay is already claimed.")]}) from error
