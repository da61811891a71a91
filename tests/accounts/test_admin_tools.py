"""An administrator helps a colleague who cannot sign in, from the administration site: lifts the
lock that five failed sign-ins put on a username, and resets a lost authenticator so that its owner
enrols a new one. Both through the admin's real pages, each change audited naming the user."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aidflow.audit.models import AuditEvent
from tests.accounts.test_two_factor import current_code, sign_in
from tests.factories import PASSWORD
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db

STAFF = "/admin/regions/staffprofile/"


def lock_out(user) -> None:
    client = Client()
    for _attempt in range(5):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong-password-1!"})
    # Locked: even the right password is refused now (and counted as one more failure).
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 429


def test_unlock_from_the_staff_page_clears_the_lock_and_is_audited(admin_user, clerk):
    lock_out(clerk)
    admin = client_for(admin_user)
    row = admin.get(STAFF).content.decode()
    assert "已锁定" in row
    page = admin.get(f"{STAFF}{clerk.staff.pk}/change/").content.decode()
    assert "登录失败 6 次，已锁定。" in page and f"{STAFF}{clerk.staff.pk}/unlock/" in page
    confirm = admin.get(f"{STAFF}{clerk.staff.pk}/unlock/")
    assert confirm.status_code == 200
    assert "将清除 李秀英 (clerk) 的登录失败记录" in confirm.content.decode()
    assert AccessAttempt.objects.filter(username=clerk.username).exists()  # a look changes nothing
    done = admin.post(f"{STAFF}{clerk.staff.pk}/unlock/", follow=True)
    assert done.redirect_chain[-1][0] == f"{STAFF}{clerk.staff.pk}/change/"
    assert "李秀英 (clerk) 已解锁，现在可以登录。" in done.content.decode()
    assert not AccessAttempt.objects.filter(username=clerk.username).exists()
    assert Client().post("/accounts/login/", {"username": clerk.username, "password": PASSWORD}).status_code == 302
    event = AuditEvent.objects.get(action="account_unlocked")
    assert event.actor == admin_user
    assert event.details == {"username": clerk.username, "failures": 6}
    assert event.region == clerk.staff.region_id


def test_unlock_from_the_list_counts_only_locked_accounts(admin_user, clerk, reviewer):
    lock_out(reviewer)
    response = client_for(admin_user).post(
        STAFF, {"action": "unlock_accounts", "_selected_action": [clerk.staff.pk, reviewer.staff.pk]}, follow=True
    )
    assert "已解除 1 个账户的锁定。" in response.content.decode()
    assert list(AuditEvent.objects.filter(action="account_unlocked").values_list("details__username", flat=True)) == [
        reviewer.username
    ]


def test_only_the_admin_reaches_the_tools(approver, clerk):
    web = client_for(approver)
    for path in (f"{STAFF}{clerk.staff.pk}/unlock/", f"{STAFF}{clerk.staff.pk}/reset-authenticator/"):
        assert web.get(path).status_code == 302  # to the admin's login
        assert web.post(path).status_code == 302
    assert not AuditEvent.objects.filter(action__in=["account_unlocked", "two_factor_reset"]).exists()


def test_an_authenticator_reset_deletes_the_devices_and_the_user_enrols_again(admin_user, approver, settings):
    settings.AIDFLOW_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # Both enrol: the administrator needs the second step for the admin site too.
    admin = sign_in(admin_user)
    admin.get("/accounts/two-factor/")
    assert admin.post("/accounts/two-factor/", {"code": current_code(admin_user)}).status_code == 200
    colleague = sign_in(approver)
    colleague.get("/accounts/two-factor/")
    assert colleague.post("/accounts/two-factor/", {"code": current_code(approver)}).status_code == 200
    assert colleague.get("/workbench/").status_code == 200
    assert "已绑定" in admin.get(STAFF).content.decode()

    path = f"{STAFF}{approver.staff.pk}/reset-authenticator/"
    assert "将删除 陈明 (approver) 的验证器和恢复码" in admin.get(path).content.decode()
    done = admin.post(path, follow=True)
    assert "陈明 (approver) 的验证器已重置：下次登录时重新绑定。" in done.content.decode()
    assert not TOTPDevice.objects.filter(user=approver).exists()
    assert not StaticDevice.objects.filter(user=approver).exists()
    event = AuditEvent.objects.get(action="two_factor_reset")
    assert event.actor == admin_user and event.details == {"username": approver.username}
    # The session verified with the old authenticator asks for the second step again, as enrolment.
    again = colleague.get("/workbench/")
    assert again.status_code == 302 and again["Location"].startswith("/accounts/two-factor/")
    assert "data:image/svg+xml;base64," in colleague.get("/accounts/two-factor/").content.decode()
    # The administrator's own authenticator is untouched.
    assert TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()


def test_an_administrator_cannot_reset_their_own_authenticator(admin_user, clerk):
    TOTPDevice.objects.create(user=admin_user, name="authenticator", confirmed=True)
    TOTPDevice.objects.create(user=clerk, name="authenticator", confirmed=True)
    response = client_for(admin_user).post(
        STAFF,
        {"action": "reset_authenticators", "_selected_action": [admin_user.staff.pk, clerk.staff.pk]},
        follow=True,
    )
    assert "不能重置自己的验证器，请由另一位系统管理员操作。" in response.content.decode()
    # All or nothing: the colleague's device stays too.
    assert TOTPDevice.objects.filter(user__in=[admin_user, clerk]).count() == 2
    assert not AuditEvent.objects.filter(action="two_factor_reset").exists()
