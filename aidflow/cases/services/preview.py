"""The filing form's preview: the calculation the filing would make, with the same one-stay-one-aid
check, and beside each stay what the register and the referrals on file say of it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aidflow.cases.services.calculation import CalculationRun, calculation_run
from aidflow.cases.services.gates import referral_on_file
from aidflow.core.labels import label
from aidflow.policy.models import ReasonCode
from aidflow.policy.requests import in_window
from aidflow.regions.codes import county_of
from aidflow.regions.models import Region


def hospital_detail(county: str, level: int) -> str:
    """A designated hospital's county and level in a few words ("陵城区 · 二级")."""
    return _("%(county)s, %(level)s") % {"county": county, "level": label("hospital_level", level)}


def _county_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def _note(kind: str, text: str) -> dict:
    return {"kind": kind, "text": text}


def _stay_notes(run: CalculationRun, index: int, counties: dict[str, str]) -> list[dict]:
    """What to show beside stay `index`: {"kind": "excluded" (why it does not count) | "warning" |
    "ok", "text"}."""
    request, gated = run.request, run.gated
    stay, hospital = request.stays[index], gated.hospitals[index]
    excluded = gated.gates.excluded.get(index)
    notes = []
    if hospital is None and excluded == ReasonCode.NOT_DESIGNATED:
        notes.append(_note("excluded", _("Not on the register of designated hospitals: this stay does not count.")))
    elif hospital is None:
        notes.append(_note("warning", _("Not on the register of designated hospitals.")))
    elif excluded == ReasonCode.NOT_DESIGNATED:
        notes.append(_note("excluded", _("Not a designated hospital on the discharge date: this stay does not count.")))
    else:
        detail = hospital_detail(counties.get(hospital.county_id, hospital.county_id), hospital.level)
        notes.append(_note("ok", _("Designated hospital: %(detail)s.") % {"detail": detail}))
    if hospital is not None and hospital.county_id != county_of(request.region):
        county = {"county": counties.get(hospital.county_id, hospital.county_id)}
        if excluded == ReasonCode.NO_REFERRAL:
            text = _(
                "Outside the paying county (%(county)s), no referral on file before the admission: "
                "this stay does not count."
            )
            notes.append(_note("excluded", text % county))
        elif referral_on_file(request.patient.number, hospital, stay):
            notes.append(_note("ok", _("Outside the paying county (%(county)s): a referral is on file.") % county))
        else:
            notes.append(_note("warning", _("Outside the paying county (%(county)s): no referral on file.") % county))
    if excluded == ReasonCode.NOT_ON_ROLL:
        text = _("During this stay the patient was not on the county's roll of this category: it does not count.")
        notes.append(_note("excluded", text))
    if not in_window(stay.discharge_date, request.filing_date):
        notes.append(_note("excluded", _("Discharged outside the claim period: this stay does not count.")))
    notes.extend(
        _note("warning", warning["message"]) for warning in run.result.warnings if warning.get("stay") == index
    )
    return notes


def filing_preview(*, data: dict) -> dict:
    """The result JSON of INTERFACES section 4 for the filing form as it stands, plus `stays_checked`:
    for each stay its hospital on the register (or none), whether it counts, and the notes to show
    beside it - the register, the referral, the roll, the claim period, the warnings - in words.
    Raises InputErrors, and Conflict for a stay already claimed, as the filing would."""
    run = calculation_run(data=data, claims_checked=True)
    answer = run.result.as_json()
    hospitals = run.gated.hospitals
    counties = _county_names({hospital.county_id for hospital in hospitals if hospital is not None})
    checked = []
    for index, stay in enumerate(run.request.stays):
        hospital = hospitals[index]
        notes = _stay_notes(run, index, counties)
        counted = bool(answer["stays"][index]["counted"]) if index < len(answer["stays"]) else True
        checked.append(
            {
                "index": index,
                "hospital": stay.hospital,
                "registered": hospital is not None,
                "code": hospital.code if hospital else "",
                "counted": counted,
                # The reasons it does not count, then what else to know.
                "notes": notes,
                # The referrals screen is where a missing referral is recorded.
                "referral_missing": run.gated.gates.excluded.get(index) == ReasonCode.NO_REFERRAL,
            }
        )
    answer["stays_checked"] = checked
    return answer
