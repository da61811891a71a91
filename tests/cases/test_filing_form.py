"""The filing form that fits the case, over HTTP: errors that stay with what was typed, chosen files
kept for the next submit (signed, per user, checked again), rows beyond the 3 stays, 2 members and 4
documents drawn at first, the designated hospital's code sent, and the preview answering a stay
already claimed as the filing would (409) instead of promising an amount."""

import datetime
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from aidflow.cases.models import Application, StayClaim
from aidflow.cases.services.claims import hospital_key
from aidflow.cases.services.kept_uploads import FOLDER
from aidflow.rolls.referrals import referral_record
from tests.factories import (
    CITY_HOSPITAL,
    CITY_HOSPITAL_NAME,
    LINGCHENG_HOSPITAL,
    LINGCHENG_HOSPITAL_NAME,
    WANG_XIUYING,
    stay_dates,
)
from tests.workflows.helpers import PDF_BYTES, client_for, file_application, filing_post, stay_fields

pytestmark = pytest.mark.django_db

FILING = "/workbench/applications/new/"
PREVIEW = "/workbench/applications/new/preview/"
HOSPITALS = "/workbench/applications/new/hospitals/"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def kept_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{re.escape(name)}" value="([^"]*)"', html)
    return match.group(1) if match else ""


def rows(prefix: str, count: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(count), f"{prefix}-INITIAL_FORMS": "0"}


def with_files(data: dict) -> dict:
    """The form's two document rows with their files chosen."""
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", PDF_BYTES)
    data["documents-1-file"] = SimpleUploadedFile("结算单.pdf", PDF_BYTES)
    return data


def test_errors_stay_in_a_summary_with_row_numbers_and_everything_typed(policy, clerk):
    data = filing_post(household_size="", applicant_name="王秀英")
    data.update(stay_fields(1, eligible_cost="70000.00", hospital="陵城区中医院", admission_date="2026-13-45"))
    data["members-0-name"] = ""
    response = client_for(clerk).post(FILING, with_files(data))
    assert response.status_code == 400
    html = response.content.decode()
    # One summary above the form, each entry naming its row and leading to its field.
    assert html.count("data-error-summary") == 1
    assert '<a href="#id_household_size" data-error-target="id_household_size">' in html
    assert "第 2 次住院 · 入院日期" in html and 'href="#id_stays-1-admission_date"' in html
    assert "家庭成员 1 · 姓名" in html and 'href="#id_members-0-name"' in html
    # The error is beside the field too, and the form does not fall back on the browser's bubbles.
    assert 'id="id_stays-1-admission_date-error"' in html
    assert "novalidate" in html
    # Nothing typed is lost.
    assert 'value="王秀英"' in html
    assert 'name="stays-1-hospital" value="陵城区中医院"' in html
    assert 'name="stays-1-eligible_cost" value="70000.00"' in html
    assert 'name="members-0-relation" value="配偶"' in html
    assert not re.search(r"stays\[\d\]|household\.size|documents\[", html)
    assert Application.objects.count() == 0


def test_the_services_errors_are_shown_beside_their_rows(policy, clerk):
    # Stay 1 left empty: the service's stays[0] is the form's second row.
    data = filing_post(two_stays=False)
    data.update({key.replace("stays-0-", "stays-1-"): value for key, value in stay_fields(0).items()})
    data.update({key: "" for key in stay_fields(0)})
    data["stays-1-eligible_cost"] = "70000.00"
    response = client_for(clerk).post(FILING, with_files(data))
    assert response.status_code == 400
    html = response.content.decode()
    assert "第 2 次住院 · 合规费用" in html and "合规费用大于总费用" in html
    assert 'id="id_stays-1-eligible_cost-error"' in html and 'href="#id_stays-1-eligible_cost"' in html
    assert hidden_value(html, "documents-0-kept") and hidden_value(html, "documents-1-kept")


def test_a_chosen_file_is_kept_and_filed_on_the_next_submit(policy, clerk):
    client = client_for(clerk)
    data = filing_post(household_size="")
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", PDF_BYTES)
    data["documents-1-file"] = SimpleUploadedFile("结算单.pdf", PDF_BYTES)
    response = client.post(FILING, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "已保留上次选择的文件：诊断.pdf" in html and "已保留上次选择的文件：结算单.pdf" in html
    assert "已选择的文件已保留，无需重新选择。" in html  # said in the summary too
    tokens = [hidden_value(html, "documents-0-kept"), hidden_value(html, "documents-1-kept")]
    assert all(tokens) and len(kept_files()) == 2
    # The corrected form, sent without choosing the files again.
    data = filing_post()
    data["documents-0-kept"], data["documents-1-kept"] = tokens
    response = client.post(FILING, data)
    assert response.status_code == 302
    application = Application.objects.get()
    documents = list(application.documents.order_by("pk"))
    filed = [(document.kind, document.original_name) for document in documents]
    assert filed == [("diagnosis", "诊断.pdf"), ("settlement_bill", "结算单.pdf")]
    assert documents[0].sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert kept_files() == []  # used, then removed


def test_a_kept_file_serves_only_its_user_unaltered_and_in_time(policy, clerk, far_clerk, monkeypatch):
    data = filing_post(household_size="")
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", PDF_BYTES)
    html = client_for(clerk).post(FILING, data).content.decode()
    token = hidden_value(html, "documents-0-kept")
    # Another clerk cannot use it.
    other = filing_post(id_number="110105194912310021", **rows("documents", 1))
    other["documents-0-kept"] = token
    response = client_for(far_clerk).post(FILING, other)
    assert response.status_code == 400
    assert "上次选择的文件已过期，请重新选择。" in response.content.decode()
    # Changed on disk since it was kept: refused.
    kept_files()[0].write_bytes(PDF_BYTES + b"%changed")
    data = filing_post(**rows("documents", 1))
    data["documents-0-kept"] = token
    response = client_for(clerk).post(FILING, data)
    assert response.status_code == 400 and "上次选择的文件已过期" in response.content.decode()
    # An altered token is refused as well.
    data["documents-0-kept"] = token[:-2] + ("A" if token[-1] != "A" else "B") + token[-1]
    assert client_for(clerk).post(FILING, data).status_code == 400
    assert Application.objects.count() == 0


def test_expired_kept_files_are_swept(policy, clerk):
    import os
    import time

    from aidflow.cases.services.kept_uploads import kept_sweep

    data = filing_post(household_size="")
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", PDF_BYTES)
    client_for(clerk).post(FILING, data)
    (path,) = kept_files()
    # The age is read from the time written into the stored name, by the clock that kept it.
    assert kept_sweep(now=time.time() + 1800) == 0 and kept_files() == [path]
    # A file in the folder without a kept time in its name goes by its modification time.
    stray = path.parent / "left-over"
    stray.write_bytes(b"x")
    old = time.time() - 2 * 3600
    os.utime(stray, (old, old))
    assert kept_sweep() == 1 and kept_files() == [path]
    assert kept_sweep(now=time.time() + 2 * 3600) == 1 and kept_files() == []


def test_a_file_that_fails_the_content_check_is_not_kept_and_says_so(policy, clerk):
    data = filing_post()
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    data["documents-1-file"] = SimpleUploadedFile("结算单.pdf", PDF_BYTES)
    response = client_for(clerk).post(FILING, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "材料 1 · 文件" in html and "只接受" in html
    assert 'id="id_documents-0-file-error"' in html
    assert not hidden_value(html, "documents-0-kept") and hidden_value(html, "documents-1-kept")
    assert len(kept_files()) == 1


def test_more_rows_than_drawn_at_first_are_filed(policy, clerk):
    """5 stays, 4 members, 6 documents: the rows the page adds are filed like the first ones."""
    data = filing_post(two_stays=False)
    data.update(rows("stays", 5) | rows("members", 4) | rows("documents", 6))
    admission, discharge = stay_dates()
    for index in range(1, 5):
        data.update(stay_fields(index, hospital=f"外地第{index}医院", total_cost="9000.00"))
        data[f"stays-{index}-admission_date"] = admission.isoformat()
        data[f"stays-{index}-discharge_date"] = discharge.isoformat()
        data[f"stays-{index}-eligible_cost"] = "8000.00"
        data[f"stays-{index}-basic_insurance"] = "5000.00"
        data[f"stays-{index}-serious_illness_insurance"] = "0.00"
    for index in range(4):
        data.update({f"members-{index}-name": f"成员{index}", f"members-{index}-relation": "子女"})
    for index in range(6):
        data[f"documents-{index}-kind"] = "other"
        data[f"documents-{index}-file"] = SimpleUploadedFile(f"材料{index}.pdf", PDF_BYTES)
    response = client_for(clerk).post(FILING, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get()
    assert (application.stays.count(), application.members.count(), application.documents.count()) == (5, 4, 6)


def test_rows_beyond_the_limits_are_refused_in_words(policy, clerk):
    data = filing_post(two_stays=False)
    data.update(rows("stays", 51))
    response = client_for(clerk).post(FILING, data)
    assert response.status_code == 400
    assert "一份申请最多填写 50 次住院。" in response.content.decode()
    data = filing_post(**rows("stays", 3))
    for key in [key for key in data if key.startswith("stays-") and key[6].isdigit()]:
        data[key] = ""
    response = client_for(clerk).post(FILING, data)
    assert response.status_code == 400
    assert "请至少填写一次住院记录。" in response.content.decode()


def test_the_picked_hospital_code_is_sent_and_stored(policy, clerk):
    data = filing_post(two_stays=False)
    data["stays-0-hospital_code"] = LINGCHENG_HOSPITAL
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", PDF_BYTES)
    data["documents-1-file"] = SimpleUploadedFile("结算单.pdf", PDF_BYTES)
    assert client_for(clerk).post(FILING, data).status_code == 302
    stay = Application.objects.get().stays.get()
    assert (stay.hospital, stay.hospital_code) == (LINGCHENG_HOSPITAL_NAME, LINGCHENG_HOSPITAL)


def test_the_success_page_shows_the_number_first(policy, clerk):
    application = file_application(clerk)
    response = client_for(clerk).get(f"/workbench/applications/{application.pk}/?filed=1")
    html = response.content.decode()
    assert 'id="filed-banner"' in html and "申请已受理。" in html
    assert html.index("filed-banner") < html.index("af-facts")
    assert f'<strong class="af-mono">{application.number}</strong>' in html


def test_the_filing_redirects_to_the_success_page(policy, clerk):
    data = filing_post()
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", PDF_BYTES)
    data["documents-1-file"] = SimpleUploadedFile("结算单.pdf", PDF_BYTES)
    response = client_for(clerk).post(FILING, data)
    assert response["Location"].endswith(f"/applications/{Application.objects.get().pk}/?filed=1")


def test_submitting_a_claimed_stay_is_409_beside_its_row(policy, clerk):
    first = file_application(clerk)
    response = client_for(clerk).post(FILING, with_files(filing_post(two_stays=False)))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="stays-0-errors"' in html and first.number in html
    # In the summary, named by its row and leading to the stay's first field.
    assert re.search(r'href="#id_stays-0-hospital"[^>]*><span class="af-error-summary__label">第 1 次住院</span>', html)
    assert hidden_value(html, "documents-0-kept")  # the chosen file kept all the same


# --- the preview ----------------------------------------------------------------------------------------


def preview(client, data):
    return client.post(PREVIEW, data)


def test_the_preview_answers_a_claimed_stay_with_the_conflict_not_an_amount(policy, clerk):
    first = file_application(clerk)
    client = client_for(clerk)
    # Stay 1 of the form is left empty: the claimed stay is the form's second row.
    data = filing_post(two_stays=False)
    data.update({key.replace("stays-0-", "stays-1-"): value for key, value in stay_fields(0).items()})
    data.update({key: "" for key in stay_fields(0)})
    response = preview(client, data)
    assert response.status_code == 409
    answer = response.json()
    assert "amount" not in answer
    assert list(answer["stays"]) == ["1"] and first.number in answer["stays"]["1"][0]
    assert answer["entries"][0]["label"] == "第 2 次住院"
    # The same as submitting it.
    assert client.post(FILING, with_files(data)).status_code == 409


def test_the_preview_names_a_stay_the_county_refused_in_a_hospital_claim(policy, clerk):
    admission, _discharge = stay_dates()
    StayClaim.objects.create(
        id_number=WANG_XIUYING,
        hospital_key=hospital_key(hospital=LINGCHENG_HOSPITAL_NAME),
        admission_date=admission,
        reference="JS-DEMO-371403-001-2026-9",
        refused="non_compliant",
    )
    response = preview(client_for(clerk), filing_post(two_stays=False))
    assert response.status_code == 409
    assert "JS-DEMO-371403-001-2026-9" in response.json()["stays"]["0"][0]
    assert "不予结算" in response.json()["stays"]["0"][0]


def test_the_preview_says_beside_each_stay_what_the_register_and_referrals_say(policy, clerk):
    client = client_for(clerk)
    data = filing_post(two_stays=False, **rows("stays", 3))
    data.update(
        stay_fields(
            1,
            hospital="某某私立医院",
            total_cost="10000.00",
            eligible_cost="9000.00",
            basic_insurance="6000.00",
            serious_illness_insurance="0.00",
        )
    )
    data.update(stay_fields(2, hospital=CITY_HOSPITAL_NAME, hospital_level="3"))
    data["stays-2-hospital_code"] = CITY_HOSPITAL
    answer = preview(client, data).json()
    assert "stays_checked" in answer, answer
    checked = {stay["row"]: stay for stay in answer["stays_checked"]}
    assert checked[0]["counted"] and checked[0]["notes"][0] == {"kind": "ok", "text": "定点医疗机构：陵城区 · 二级。"}
    assert not checked[1]["counted"] and not checked[1]["registered"]
    assert {"kind": "excluded", "text": "不在定点医疗机构名录中，该次住院不计入救助"} in checked[1]["notes"]
    assert not checked[2]["counted"] and checked[2]["referral_missing"]
    assert any("入院前未办理转诊备案" in note["text"] for note in checked[2]["notes"])
    assert "第 2 次住院的医院在出院之日不是定点医疗机构，不予计入。" in [r["message"] for r in answer["reasons"]]
    # With the referral on file the stay counts, and the note says so.
    referral_record(
        user=clerk,
        data={
            "id_number": WANG_XIUYING,
            "name": "王秀英",
            "to_hospital_code": CITY_HOSPITAL,
            "date": (stay_dates()[0] - datetime.timedelta(days=0)).isoformat(),
            "diagnosis": "肺恶性肿瘤",
        },
    )
    checked = {stay["row"]: stay for stay in preview(client, data).json()["stays_checked"]}
    assert checked[2]["counted"] and not checked[2]["referral_missing"]
    assert {"kind": "ok", "text": "县外医院（德城区）：已有转诊备案。"} in checked[2]["notes"]


def test_the_preview_shows_the_warnings(policy, clerk):
    data = filing_post(two_stays=False)
    data["stays-0-basic_insurance"] = "100.00"
    answer = preview(client_for(clerk), data).json()
    assert answer["warnings"] and answer["warnings"][0]["code"] == "INSURANCE_IMPLAUSIBLE"
    notes = answer["stays_checked"][0]["notes"]
    assert any(note["kind"] == "warning" and "基本医保报销 100.00 元" in note["text"] for note in notes)


def test_the_preview_of_an_unfinished_form_lists_its_problems_in_words(policy, clerk):
    data = filing_post(two_stays=False, household_size="")
    data["stays-0-admission_date"] = ""
    response = preview(client_for(clerk), data)
    assert response.status_code == 400
    labels = {entry["label"] for entry in response.json()["entries"]}
    assert {"家庭人口", "第 1 次住院 · 入院日期"} <= labels


# --- the hospital picker --------------------------------------------------------------------------------


def test_the_hospital_picker_finds_part_of_a_name_the_clerks_county_first(policy, clerk):
    answer = client_for(clerk).get(HOSPITALS, {"q": "人民医院"}).json()
    names = [hospital["name"] for hospital in answer["results"]]
    assert names[0] == LINGCHENG_HOSPITAL_NAME and CITY_HOSPITAL_NAME in names
    first = answer["results"][0]
    assert (first["code"], first["level"], first["detail"], first["in_county"]) == (
        LINGCHENG_HOSPITAL,
        2,
        "陵城区 · 二级",
        True,
    )
    assert client_for(clerk).get(HOSPITALS, {"q": "没有这家"}).json()["results"] == []


def test_the_hospital_picker_is_for_staff_of_any_level(policy, clerk, auditor):
    from django.test import Client

    from aidflow.regions.services import staff_save
    from aidflow.rolls.models import Hospital
    from tests.factories import PASSWORD, make_staff

    assert Client().get(HOSPITALS, {"q": "人民"}).status_code in (302, 403)
    # A city's auditor and a hospital's clerk (no county of their own region) search it too.
    city = make_staff("auditor-city", "auditor", "3714")
    window = staff_save(
        username="window-py",
        password=PASSWORD,
        role="hospital_clerk",
        region_code=None,
        name="马建华",
        hospital=Hospital.objects.get(code="DEMO-371426-001"),
    )
    for user in (city, window, auditor):
        answer = client_for(user).get(HOSPITALS, {"q": "人民"})
        assert answer.status_code == 200 and answer.json()["results"], user
    assert client_for(window).get(HOSPITALS, {"q": "人民"}).json()["results"][0]["county"] == "平原县"
