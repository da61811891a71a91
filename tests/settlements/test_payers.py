"""The hospital's reduction (减免) and the emergency fund (疾病应急救助) pay before medical aid, like
charity, through the calculator, the application API and the window; the hospital's reduction ledger
(便民惠民台账); and the registered poor (建档立卡贫困人口), settled pay-first (POLICY section 9,
INTERFACES section 12)."""

import datetime
import io
import subprocess

import pytest
from openpyxl import load_workbook

from aidflow.cases.models import HospitalStay
from aidflow.cases.services.calculation import aid_calculate
from aidflow.core.errors import InputErrors
from aidflow.rolls.services import recipients_import
from aidflow.settlements.models import Settlement
from tests.factories import StayFactory, calculation_request, make_staff, person, today
from tests.settlements.conftest import ZHANG, discharged, settle_body
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db

# Someone on the registered-poor roll of 陵城区北街.
POOR = person("271")


def settle(user, body):
    return client_for(user).post("/api/v1/settlements/", body, content_type="application/json")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "slip.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def with_payers(stay: dict, reduction: str = "1000.00", emergency: str = "2000.00") -> dict:
    return {**stay, "hospital_reduction": reduction, "emergency_fund": emergency}


def test_the_calculator_takes_both_off_before_aid(policy):
    stay = with_payers(StayFactory())
    result = aid_calculate(data=calculation_request(stays=[stay]))
    # 52000 - 30000 - 5000 - 1000 reduction - 2000 emergency fund = 14000 left; less the low-income
    # deductible 12000 = 2000; 20% of it is 400.00 (without them: 20% of 17000 - 12000 = 1000.00).
    assert (result["amount"], result["stays"][0]["remaining"]) == ("400.00", "14000.00")
    line = next(line for line in result["explanation"] if line.startswith("合规费用"))
    assert "医院减免 1000.00" in line and "疾病应急救助 2000.00" in line and line.endswith("= 14000.00")


def test_old_input_without_the_fields_is_unchanged(policy):
    old = calculation_request()
    assert "hospital_reduction" not in old["stays"][0] and "emergency_fund" not in old["stays"][0]
    before = aid_calculate(data=old)
    zeros = aid_calculate(data=calculation_request(stays=[with_payers(StayFactory(), "0.00", "0.00")]))
    assert before["amount"] == "1000.00" and before["stays"][0]["remaining"] == "17000.00"
    assert zeros == before
    assert not any("医院减免" in line or "疾病应急救助" in line for line in before["explanation"])


@pytest.mark.parametrize(
    ("reduction", "emergency", "field"),
    [
        ("-1.00", "0.00", "stays[0].hospital_reduction"),
        ("0.00", "-0.01", "stays[0].emergency_fund"),
        # The total is 60000.00, of which 35000.00 already came from the insurances.
        ("70000.00", "0.00", "stays[0].hospital_reduction"),
        ("0.00", "60000.01", "stays[0].emergency_fund"),
        ("20000.00", "5000.01", "stays[0].hospital_reduction"),
    ],
)
def test_negative_or_more_than_the_total_is_an_error_naming_the_field(policy, approver, reduction, emergency, field):
    data = calculation_request(stays=[with_payers(StayFactory(), reduction, emergency)])
    with pytest.raises(InputErrors) as caught:
        aid_calculate(data=data)
    assert field in caught.value.errors, caught.value.errors
    response = client_for(approver).post("/api/v1/calculate/", data, content_type="application/json")
    assert response.status_code == 400 and field in response.json()["errors"], response.content


def test_an_application_through_the_api_records_and_deducts_them(policy, clerk):
    data = calculation_request(stays=[with_payers(StayFactory())])
    data["applicant"] = {"name": "王秀英", "id_number": data["patient"]["id_number"], "phone": "13800000000"}
    response = client_for(clerk).post("/api/v1/applications/", data, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["calculation"]["amount"] == "400.00"
    stay = HospitalStay.objects.get(application_id=response.json()["id"])
    assert (str(stay.hospital_reduction), str(stay.emergency_fund)) == ("1000.00", "2000.00")
    bad = calculation_request(stays=[with_payers(StayFactory(), "0.00", "-5.00")])
    bad["applicant"] = data["applicant"]
    refused = client_for(clerk).post("/api/v1/applications/", bad, content_type="application/json")
    assert refused.status_code == 400 and "stays[0].emergency_fund" in refused.json()["errors"], refused.content


def test_the_window_deducts_them_and_the_slip_claim_and_statistics_show_them(window, approver, tmp_path):
    response = settle(window, settle_body(hospital_reduction="1000.00", emergency_fund="500.00"))
    assert response.status_code == 201, response.content
    body = response.json()
    # 18000 - 9000 - 500 other - 1000 reduction - 500 emergency fund = 7000 left; 70% = 4900.00; the
    # patient pays 20000 - 9000 - 500 - 1000 - 500 - 4900 = 4100.00.
    assert (body["amount"], body["patient_pays"], body["pay_first"]) == ("4900.00", "4100.00", False)
    assert (body["stay"]["hospital_reduction"], body["stay"]["emergency_fund"]) == ("1000.00", "500.00")
    settlement = Settlement.objects.get(pk=body["id"])
    assert (str(settlement.hospital_reduction), str(settlement.emergency_fund)) == ("1000.00", "500.00")
    slip = client_for(window).get(f"/api/v1/settlements/{body['id']}/slip.pdf")
    text = pdf_text(slip.content, tmp_path)
    for expected in ("医院减免", "1000.00", "疾病应急救助", "500.00", "4900.00", "4100.00"):
        assert expected in text, expected
    assert "未收取住院押金" not in text
    # Errors at the window name the stay's field.
    for stay, field in (
        ({"hospital_reduction": "-1.00"}, "stay.hospital_reduction"),
        ({"emergency_fund": "20000.00"}, "stay.emergency_fund"),
    ):
        refused = settle(window, settle_body(**stay))
        assert refused.status_code == 400 and field in refused.json()["errors"], refused.content
    claim = client_for(window).post(
        "/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m")}, content_type="application/json"
    )
    assert claim.status_code == 201, claim.content
    page = client_for(approver).get(f"/workbench/claims/{claim.json()['id']}/")
    assert page.status_code == 200 and "医院减免" in page.content.decode() and "1000.00" in page.content.decode()
    month = settlement.discharge_date.strftime("%Y-%m")
    figures = client_for(approver).get("/api/v1/statistics/monthly/", {"region": "371403", "month": month}).json()
    assert (figures["totals"]["hospital_reduction"], figures["totals"]["emergency_fund"]) == ("1000.00", "500.00")
    assert figures["by_route"]["settlement"]["hospital_reduction"] == "1000.00"
    assert all(check["ok"] for check in figures["checks"]), figures["checks"]


def test_the_reduction_ledger_page_and_workbook(window, other_window, approver, tmp_path):
    since = (today() - datetime.timedelta(days=400)).isoformat()
    # A name that would be a formula in a spreadsheet stays text in the export.
    formula = person("272")
    recipients_import(
        text=f"id_number,name,category,region,valid_from,valid_to\n{formula},=1+2,dibao,371403105201,{since},\n"
    )
    assert settle(window, settle_body(hospital_reduction="300.00")).status_code == 201
    other = settle(window, settle_body(formula, name="=1+2", emergency_fund="200.00"))
    assert other.status_code == 201, other.content
    plain = settle_body(person("273"))  # not on a roll: refused, not in the ledger
    assert settle(window, plain).status_code == 422
    month = discharged()[1][:7]
    for user in (window, approver):
        page = client_for(user).get("/workbench/settlements/reductions/", {"hospital": "H-LC", "month": month})
        html = page.content.decode()
        assert page.status_code == 200 and "张秀兰" in html and ZHANG not in html and ZHANG[:4] in html
        assert "300.00" in html and "200.00" in html and "40000.00" in html
    # Another hospital's clerk, or another county's staff, never reads it.
    assert client_for(other_window).get("/workbench/settlements/reductions/", {"hospital": "H-LC"}).status_code == 404
    pingyuan = make_staff("pingyuan_approver", "county_approver", "371426", "赵平")
    assert client_for(pingyuan).get("/workbench/settlements/reductions/", {"hospital": "H-LC"}).status_code == 404
    export = client_for(approver).get(
        "/workbench/settlements/reductions/export.xlsx", {"hospital": "H-LC", "month": month}
    )
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][6:] == ("医疗总费用", "医院减免", "疾病应急救助")
    by_name = {row[1]: row for row in rows[1:-1]}
    assert set(by_name) == {"张秀兰", "=1+2"}
    assert by_name["张秀兰"][2] == ZHANG[:4] + "*" * 10 + ZHANG[-4:]
    assert (float(by_name["张秀兰"][7]), float(by_name["=1+2"][8])) == (300.0, 200.0)
    formula_cell = next(cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == "=1+2")
    assert formula_cell.data_type == "s"
    assert rows[-1][0] == "合计" and (float(rows[-1][7]), float(rows[-1][8])) == (300.0, 200.0)


def test_the_registered_poor_are_imported_and_settled_pay_first(window, tmp_path):
    since = (today() - datetime.timedelta(days=400)).isoformat()
    result = recipients_import(
        text=f"id_number,name,category,region,valid_from,valid_to\n{POOR},刘小梅,poverty_registered,371403105201,{since},\n"
    )
    assert result.created == 1
    response = settle(window, settle_body(POOR, name="刘小梅"))
    assert response.status_code == 201, response.content
    body = response.json()
    # The demo rule for the registered poor: 70% of 18000 - 9000 - 500 = 8500, 5950.00.
    assert (body["category"], body["amount"], body["patient_pays"], body["pay_first"]) == (
        "poverty_registered",
        "5950.00",
        "4550.00",
        True,
    )
    assert body["calculation"]["policy"]["category_group"] == "poverty_registered"
    assert Settlement.objects.get(pk=body["id"]).pay_first is True
    text = pdf_text(client_for(window).get(f"/api/v1/settlements/{body['id']}/slip.pdf").content, tmp_path)
    assert "先诊疗后付费，未收取住院押金" in text and "建档立卡贫困人口" in text
    dibao = settle(window, settle_body())
    assert dibao.status_code == 201 and dibao.json()["pay_first"] is False
    assert Settlement.objects.get(pk=dibao.json()["id"]).pay_first is False
