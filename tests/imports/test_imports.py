"""Imports with a preview (INTERFACES section 14, issue 29): upload -> every row's outcome and the
totals -> confirm or discard, for the rolls, the hospital register and policies; GB18030 files and
bad rows; a person on two counties' rolls held until one county resolves it; the roll's history on
the person file."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from aidflow.audit.models import AuditEvent
from aidflow.core.identity import mask_resident_id
from aidflow.imports.models import DataImport
from aidflow.policy.models import PolicyVersion
from aidflow.rolls.models import Hospital, RollChange, RollConflict, RollPeriod
from aidflow.rolls.services import recipients_import
from tests.factories import BEIJIE, NANYOUFANG, POLICY_FILE, make_staff, person, today
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db
HEADER = "id_number,name,category,region,valid_from,valid_to"
ALICE, BOB, CAROL = person("021"), person("022"), person("023")
START = (today() - datetime.timedelta(days=400)).isoformat()


def roll(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("gb18030")


class Answer:
    """The API's answer to an upload or a decision, and the import as it stands once the work queued
    after the request's commit has run (a test's transaction never commits)."""

    def __init__(self, user, answer):
        self.status_code, self.answer = answer.status_code, answer
        self.user = user

    def json(self):
        body = self.answer.json()
        if self.status_code in (200, 201):
            return client_for(self.user).get(f"/api/v1/imports/{body['id']}/").json()
        return body


def upload(user, kind, content, name="file.csv", capture=None):
    with capture(execute=True):
        answer = client_for(user).post("/api/v1/imports/", {"kind": kind, "file": SimpleUploadedFile(name, content)})
    return Answer(user, answer)


def act(user, pk, action, capture):
    with capture(execute=True):
        answer = client_for(user).post(f"/api/v1/imports/{pk}/{action}/", content_type="application/json")
    return Answer(user, answer)


@pytest.fixture
def admin(regions):
    return make_staff("sysadmin", "admin", None, "系统管理员")


def test_a_gb18030_roll_previewed_with_its_bad_rows_then_corrected_and_confirmed(
    approver, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    bad = roll(
        f"{ALICE},王小红,dibao,{BEIJIE},{START},",
        f"{BOB[:-1]}X,李四,dibao,{BEIJIE},{START},",  # checksum
        f"{CAROL},赵六,dibao,{NANYOUFANG},{START},",  # another county's village
        f"{CAROL},赵六,nobody,{BEIJIE},2026-13-01,",  # two errors in one row
    )
    answer = upload(approver, "recipients", bad, capture=capture)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["status"] == "preview"
    assert body["rows"] == {
        "added": 1,
        "unchanged": 0,
        "updated": 0,
        "closed": 0,
        "moved": 0,
        "conflicts": 0,
        "errors": 3,
    }
    found = {(error["row"], error["column"]) for error in body["errors"]}
    assert found == {(3, "id_number"), (4, "region"), (5, "category"), (5, "valid_from")}
    assert "王小红" not in json.dumps(body, ensure_ascii=False)
    # A file with errors is not written.
    refused = act(approver, body["id"], "confirm", capture)
    assert refused.status_code == 409 and "3" in refused.json()["errors"]["rows"][0]
    assert RollPeriod.objects.count() == 0
    assert act(approver, body["id"], "discard", capture).json()["status"] == "discarded"
    good = roll(f"{ALICE},王小红,dibao,{BEIJIE},{START},", f"{BOB},李四,tekun,{BEIJIE},{START},")
    body = upload(approver, "recipients", good, capture=capture).json()
    assert body["rows"]["added"] == 2 and body["rows"]["errors"] == 0
    assert RollPeriod.objects.count() == 0  # a preview writes nothing
    confirmed = act(approver, body["id"], "confirm", capture).json()
    assert confirmed["status"] == "confirmed" and confirmed["result"] == {"created": 2, "updated": 0, "held": 0}
    assert set(RollPeriod.objects.values_list("id_number", flat=True)) == {ALICE, BOB}
    event = AuditEvent.objects.filter(action="recipients_imported").latest("pk")
    assert event.details["sha256"] == DataImport.objects.get(pk=body["id"]).sha256 and event.actor == approver
    assert RollChange.objects.filter(id_number=ALICE, kind="added", import_number=body["id"]).exists()
    # The same file again: unchanged. Closing Alice's period: closed, and she has left every roll.
    assert upload(approver, "recipients", good, capture=capture).json()["rows"]["unchanged"] == 2
    end = today().replace(day=1) - datetime.timedelta(days=1)
    closing = roll(f"{ALICE},王小红,dibao,{BEIJIE},{START},{end.isoformat()}", f"{BOB},李四改,tekun,{BEIJIE},{START},")
    body = upload(approver, "recipients", closing, capture=capture).json()
    assert (body["rows"]["closed"], body["rows"]["updated"]) == (1, 1)
    assert body["left_every_roll"] == [mask_resident_id(ALICE)]
    act(approver, body["id"], "confirm", capture)
    assert RollPeriod.objects.get(id_number=ALICE).valid_to == end
    change = RollChange.objects.get(id_number=ALICE, kind="closed")
    assert change.before["valid_to"] is None and change.valid_to == end


def test_a_person_on_two_counties_rolls_is_held_until_one_resolves(
    approver, outsider, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    first = upload(approver, "recipients", roll(f"{ALICE},王小红,dibao,{BEIJIE},{START},"), capture=capture).json()
    act(approver, first["id"], "confirm", capture)
    moved_on = today() - datetime.timedelta(days=30)
    theirs = roll(
        f"{ALICE},王小红,dibao,{NANYOUFANG},{moved_on.isoformat()},", f"{BOB},李四,dibao,{NANYOUFANG},{START},"
    )
    body = upload(outsider, "recipients", theirs, capture=capture).json()
    assert (body["rows"]["conflicts"], body["rows"]["added"]) == (1, 1)
    done = act(outsider, body["id"], "confirm", capture).json()
    assert done["result"] == {"created": 1, "updated": 0, "held": 1}
    assert not RollPeriod.objects.filter(region=NANYOUFANG, id_number=ALICE).exists()
    # Listed for both counties.
    listed = [client_for(user).get("/api/v1/roll-conflicts/").json() for user in (approver, outsider)]
    assert [len(items) for items in listed] == [1, 1]
    conflict = listed[0][0]
    assert (conflict["county"], conflict["other_county"]) == ("371426", "371403")
    # The importing county cannot apply while the other roll holds her; only the holder releases.
    path = f"/api/v1/roll-conflicts/{conflict['id']}/resolve/"
    apply = client_for(outsider).post(path, {"action": "apply"}, content_type="application/json")
    assert apply.status_code == 409
    assert client_for(outsider).post(path, {"action": "release"}, content_type="application/json").status_code == 403
    bad = client_for(approver).post(path, {"action": "keep"}, content_type="application/json")
    assert bad.status_code == 400 and "action" in bad.json()["errors"]
    released = client_for(approver).post(path, {"action": "release", "note": "已迁出"}, content_type="application/json")
    assert released.status_code == 200 and released.json()["status"] == "released"
    ours = RollPeriod.objects.get(id_number=ALICE, region=BEIJIE)
    assert ours.valid_to == moved_on - datetime.timedelta(days=1)
    assert RollPeriod.objects.get(id_number=ALICE, region=NANYOUFANG).valid_to is None
    kinds = list(RollChange.objects.filter(id_number=ALICE).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["added", "held", "closed", "released"]
    assert client_for(approver).get("/api/v1/roll-conflicts/").json() == []
    # The history is on the person file.
    page = client_for(approver).get(f"/workbench/persons/{ALICE}/")
    assert page.status_code == 200 and "roll-history" in page.content.decode()


def test_withdrawing_a_held_row(approver, outsider, django_capture_on_commit_callbacks):
    recipients_import(text=(HEADER + f"\n{ALICE},王小红,dibao,{BEIJIE},{START},\n"))
    held = recipients_import(text=(HEADER + f"\n{ALICE},王小红,tekun,{NANYOUFANG},{START},\n"))
    assert (held.created, held.held) == (0, 1)  # the command path holds it as well
    conflict = RollConflict.objects.get()
    path = f"/api/v1/roll-conflicts/{conflict.pk}/resolve/"
    answer = client_for(outsider).post(path, {"action": "withdraw"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "withdrawn"
    assert RollPeriod.objects.filter(id_number=ALICE).count() == 1
    again = client_for(outsider).post(path, {"action": "withdraw"}, content_type="application/json")
    assert again.status_code == 409  # resolved already


def test_a_preview_gone_stale_is_not_written(approver, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    body = upload(approver, "recipients", roll(f"{ALICE},王小红,dibao,{BEIJIE},{START},"), capture=capture).json()
    recipients_import(text=(HEADER + f"\n{ALICE},王小红,dibao,{BEIJIE},{START},\n"))  # written meanwhile
    done = act(approver, body["id"], "confirm", capture).json()
    assert done["status"] == "failed" and "预览后数据已发生变化" in done["message"]
    assert RollPeriod.objects.count() == 1


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_hospital_register_as_xlsx(admin, approver, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    header = ["code", "name", "level", "county", "designated_from", "designated_to"]
    first = xlsx(
        [
            header,
            ["H001", "德州市人民医院", 3, "371402", "2016-01-01", None],
            ["H002", "陵城区人民医院", 2, "371403", "2016-01-01", None],
        ]
    )
    assert upload(approver, "hospitals", first, "h.xlsx", capture).status_code == 403
    body = upload(admin, "hospitals", first, "h.xlsx", capture).json()
    assert body["rows"]["added"] == 2
    act(admin, body["id"], "confirm", capture)
    later = xlsx(
        [
            header,
            ["H001", "德州市人民医院", 3, "371402", "2016-01-01", None],
            ["H002", "陵城区人民医院", 2, "371403", "2016-01-01", "2026-06-30"],
            ["H003", "某医院", 5, "371403", "2016-01-01", None],
        ]
    )
    body = upload(admin, "hospitals", later, "h.xlsx", capture).json()
    assert (body["rows"]["unchanged"], body["rows"]["closed"], body["rows"]["errors"]) == (1, 1, 1)
    assert [(error["row"], error["column"]) for error in body["errors"]] == [(4, "level")]
    assert Hospital.objects.get(code="H002").designated_to is None


def test_a_policy_previewed_with_its_simulation(admin, policy, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    data = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    data["code"] = "dezhou-test-next"
    body = upload(admin, "policy", json.dumps(data, ensure_ascii=False).encode(), "p.json", capture).json()
    assert body["status"] == "preview" and body["rows"]["added"] == 1
    assert body["simulation"]["policy"] == "dezhou-test-next" and "totals" in body["simulation"]
    assert not PolicyVersion.objects.filter(code="dezhou-test-next").exists()
    assert act(admin, body["id"], "confirm", capture).json()["result"]["policy"] == "dezhou-test-next"
    assert PolicyVersion.objects.filter(code="dezhou-test-next").exists()
    data["title"] = "改了内容"
    body = upload(admin, "policy", json.dumps(data).encode(), "p.json", capture).json()
    assert body["rows"]["errors"] == 1 and body["errors"][0]["column"] == "code"
    broken = upload(admin, "policy", b"{not json", "p.json", capture).json()
    assert broken["status"] == "failed" and "JSON" in broken["message"]


def test_bad_uploads_are_named(approver, clerk, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    answer = upload(approver, "rolls", b"x", capture=capture)
    assert answer.status_code == 400 and "kind" in answer.json()["errors"]
    assert upload(clerk, "recipients", roll(), capture=capture).status_code == 403
    header_wrong = upload(approver, "recipients", b"a,b\n1,2\n", capture=capture).json()
    assert header_wrong["status"] == "failed" and "id_number,name,category" in header_wrong["message"]


def test_the_screens(approver, outsider, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    client = client_for(approver)
    page = client.get("/workbench/imports/")
    assert page.status_code == 200 and 'name="kind"' in page.content.decode()
    template = client.get("/workbench/imports/template/recipients.csv")
    assert template.content.decode("utf-8-sig").startswith(HEADER)
    with capture(execute=True):
        sent = client.post(
            "/workbench/imports/",
            {
                "kind": "recipients",
                "file": SimpleUploadedFile("r.csv", roll(f"{ALICE},王小红,dibao,{BEIJIE},{START},")),
            },
        )
    assert sent.status_code == 302
    detail = client.get(sent["Location"])
    text = detail.content.decode()
    assert 'data-outcome="added"' in text and "王*红" in text and 'id="import-confirm"' in text
    with capture(execute=True):
        assert client.post(sent["Location"], {"action": "confirm"}).status_code == 302
    assert RollPeriod.objects.filter(id_number=ALICE).exists()
    assert 'id="import-result"' in client.get(sent["Location"]).content.decode()
    # The other county cannot open it.
    assert client_for(outsider).get(sent["Location"]).status_code == 404
    later = today() - datetime.timedelta(days=10)
    recipients_import(text=(HEADER + f"\n{ALICE},王小红,tekun,{NANYOUFANG},{later.isoformat()},\n"))
    conflicts = client.get("/workbench/rolls/conflicts/")
    assert conflicts.status_code == 200 and 'value="release"' in conflicts.content.decode()
    conflict = RollConflict.objects.get()
    resolved = client.post("/workbench/rolls/conflicts/", {"conflict": conflict.pk, "action": "release"})
    assert resolved.status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == "released"


def test_the_administrator_imports_the_register_and_policies_on_screen(admin, django_capture_on_commit_callbacks):
    client = client_for(admin)
    page = client.get("/workbench/imports/").content.decode()
    assert 'value="hospitals"' in page and 'value="policy"' in page and 'value="recipients"' not in page
    policy = client.get("/workbench/imports/template/policy.json")
    assert json.loads(policy.content)["code"] == "dezhou-2015-69"
    header = "code,name,level,county,designated_from,designated_to\n"
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/workbench/imports/",
            {
                "kind": "hospitals",
                "file": SimpleUploadedFile("h.csv", (header + "H9,某医院,2,371403,2016-01-01,\n").encode()),
            },
        )
    assert sent.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(sent["Location"], {"action": "confirm"}).status_code == 302
    assert Hospital.objects.filter(code="H9").exists()
