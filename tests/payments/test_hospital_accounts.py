"""An administrator corrects where the county pays a designated hospital, in the administration
site: the old account is kept and shown, the change audited with both accounts masked, a bad
account refused in Chinese beside the field, and nothing changed while a claim waits in a batch."""

import pytest

from aidflow.audit.models import AuditEvent
from aidflow.core.errors import ActionForbidden
from aidflow.payments.models import HospitalAccountChange
from aidflow.payments.services.hospital_accounts import hospital_account_change
from aidflow.rolls.models import Hospital
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db

OLD, NEW = "6200000000000371403", "6228 4800 0000 0099 887"
NEW_DIGITS = "6228480000000099887"


def change_url(hospital) -> str:
    return f"/admin/rolls/hospital/{hospital.pk}/change/"


@pytest.fixture
def hospital(register):
    Hospital.objects.filter(code="H-LC").update(bank="农业银行陵城支行", account=OLD)
    return Hospital.objects.get(code="H-LC")


def test_a_correction_keeps_the_old_account_and_is_audited(admin_user, hospital):
    admin = client_for(admin_user)
    listing = admin.get("/admin/rolls/hospital/").content.decode()
    assert "****1403" in listing and OLD not in listing  # masked in the list
    form = admin.get(change_url(hospital)).content.decode()
    assert f'value="{OLD}"' in form  # whole on the edit form
    response = admin.post(change_url(hospital), {"bank": "农商银行陵城支行", "account": NEW})
    assert response.status_code == 302, response.content.decode()[:3000]
    hospital.refresh_from_db()
    assert (hospital.bank, hospital.account) == ("农商银行陵城支行", NEW_DIGITS)
    change = HospitalAccountChange.objects.get(hospital=hospital)
    assert (change.old_bank, change.old_account) == ("农业银行陵城支行", OLD)
    assert (change.new_bank, change.new_account, change.changed_by) == (
        "农商银行陵城支行",
        NEW_DIGITS,
        admin_user,
    )
    event = AuditEvent.objects.get(action="hospital_account_changed")
    assert event.actor == admin_user and event.region == "371403"
    assert event.details == {
        "hospital": "H-LC",
        "old": {"bank": "农业银行陵城支行", "account": "***************1403"},
        "new": {"bank": "农商银行陵城支行", "account": "***************9887"},
    }
    # The history on the hospital's page shows what was replaced.
    page = admin.get(change_url(hospital)).content.decode()
    assert "原账户（更正记录）" in page and OLD in page and "农业银行陵城支行" in page
    # Saving again unchanged records nothing.
    admin.post(change_url(hospital), {"bank": "农商银行陵城支行", "account": NEW_DIGITS})
    assert HospitalAccountChange.objects.count() == 1
    assert AuditEvent.objects.filter(action="hospital_account_changed").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"bank": "农商银行", "account": "12345"}, "account", "账号为 10-30 位数字。"),
        ({"bank": "农商银行", "account": "6228abc000000000"}, "account", "账号为 10-30 位数字。"),
        ({"bank": "", "account": NEW_DIGITS}, "bank", "请填写该账号的开户行。"),
        ({"bank": "农商银行", "account": ""}, "account", "请填写在该开户行的账号。"),
    ],
)
def test_a_bad_account_is_refused_beside_its_field(admin_user, hospital, data, field, message):
    response = client_for(admin_user).post(change_url(hospital), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    assert message in response.content.decode()
    hospital.refresh_from_db()
    assert hospital.account == OLD
    assert not HospitalAccountChange.objects.exists()
    assert not AuditEvent.objects.filter(action="hospital_account_changed").exists()


def test_no_correction_while_a_claim_waits_in_a_batch(admin_user, finance, approved_claim):
    batch = (
        client_for(finance)
        .post("/api/v1/payment-batches/", {"county": "371403"}, content_type="application/json")
        .json()
    )
    hospital = Hospital.objects.get(code="H-LC")
    response = client_for(admin_user).post(change_url(hospital), {"bank": "农商银行", "account": NEW})
    assert response.status_code == 200
    assert f"本院有结算申请在发放批次 {batch['number']} 中等待" in response.content.decode()
    hospital.refresh_from_db()
    assert hospital.account == "6200000000000371403"
    assert not HospitalAccountChange.objects.exists()


def test_only_an_administrator_corrects_an_account(approver, hospital):
    with pytest.raises(ActionForbidden):
        hospital_account_change(actor=approver, hospital_id=hospital.pk, bank="农商银行", account=NEW)
    assert client_for(approver).get(change_url(hospital)).status_code == 302  # the admin's login
    hospital.refresh_from_db()
    assert hospital.account == OLD
