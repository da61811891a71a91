"""The administration site's staff pages, through their real HTTP views: every role created by the
same service as `create_staff` (a hospital clerk with a hospital picked by search), a region of the
wrong level or a weak password refused beside the field in Chinese, nothing half-written."""

import pytest
from django.contrib.auth.models import Group
from guardian.shortcuts import get_perms

from aidflow.audit.models import AuditEvent
from aidflow.regions.models import Region, StaffProfile
from aidflow.rolls.models import Hospital
from aidflow.rolls.services import hospitals_import
from tests.factories import BEIJIE, LINGCHENG, SHENTOU
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db

ADD = "/admin/regions/staffprofile/add/"
STRONG = "Strong-pass-2026!"


@pytest.fixture
def hospital(regions):
    hospitals_import(
        text="code,name,level,county,designated_from,designated_to\nH-LC,陵城区人民医院,2,371403,2016-01-01,\n"
    )
    return Hospital.objects.get(code="H-LC")


def staff_form(username, role, *, region="", hospital="", password=STRONG, name="马丽"):
    return {
        "username": username,
        "name": name,
        "password": password,
        "role": role,
        "region": region,
        "hospital": hospital,
    }


@pytest.mark.parametrize(
    ("role", "region", "permission"),
    [
        ("village_clerk", BEIJIE, "check_village"),
        ("township_reviewer", SHENTOU, "review_township"),
        ("county_approver", LINGCHENG, "approve_county"),
        ("county_finance", LINGCHENG, "pay_county"),
        ("auditor", "3714", "audit_region"),
        ("admin", "", None),
    ],
)
def test_the_admin_creates_each_role_with_its_region_scope(admin_user, role, region, permission):
    response = client_for(admin_user).post(ADD, staff_form("newcomer", role, region=region))
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = StaffProfile.objects.get(user__username="newcomer")
    assert (profile.role, profile.region_id or "", profile.hospital_id) == (role, region, None)
    assert profile.user.check_password(STRONG) and profile.user.first_name == "马丽"
    assert list(profile.user.groups.values_list("name", flat=True)) == [role]
    if permission:
        assert get_perms(profile.user, Region.objects.get(code=region)) == [permission]
    assert profile.user.is_staff == (role == "admin")
    event = AuditEvent.objects.get(action="staff_saved", details__username="newcomer")
    assert event.actor == admin_user and event.details["created"] is True


def test_a_hospital_clerk_is_given_a_hospital_found_by_search(admin_user, hospital):
    admin = client_for(admin_user)
    found = admin.get(
        "/admin/autocomplete/",
        {"term": "陵城", "app_label": "regions", "model_name": "staffprofile", "field_name": "hospital"},
    )
    assert found.status_code == 200
    assert found.json()["results"] == [{"id": str(hospital.pk), "text": "陵城区人民医院 (H-LC)"}]
    page = admin.get(ADD).content.decode()
    assert 'data-with-hospital="hospital_clerk"' in page and "admin-autocomplete" in page
    response = admin.post(ADD, staff_form("window", "hospital_clerk", hospital=hospital.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = StaffProfile.objects.get(user__username="window")
    assert (profile.role, profile.region_id, profile.hospital) == ("hospital_clerk", None, hospital)
    listing = admin.get("/admin/regions/staffprofile/").content.decode()
    assert "陵城区人民医院" in listing


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            staff_form("x", "village_clerk", region=SHENTOU),
            "region",
            "神头镇 (371403105)是乡镇（街道）级区划；村级经办员需要村（居）级区划。",
        ),
        (staff_form("x", "county_approver"), "region", "县级审批员需要选择县（区）级区划。"),
        (staff_form("x", "admin", region=LINGCHENG), "region", "系统管理员不关联区划，请将区划留空。"),
        (staff_form("x", "hospital_clerk"), "hospital", "医院结算员需要选择一家定点医疗机构。"),
        (staff_form("x", "auditor", region="3714", password="short"), "password", "密码太短，至少需要 10 个字符。"),
        (staff_form("x", "auditor", region="3714", password="longpassword2026"), "password", "符号"),
        (staff_form("x", "auditor", region="3714", password=""), "password", "新建工作人员必须设置密码。"),
        (staff_form("sysadmin", "auditor", region="3714"), "username", "已存在一位使用该名字的用户。"),
    ],
)
def test_a_refusal_is_shown_beside_its_field_in_chinese_and_saves_nothing(admin_user, form, field, message):
    before = StaffProfile.objects.count(), AuditEvent.objects.filter(action="staff_saved").count()
    response = client_for(admin_user).post(ADD, form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors
    page = response.content.decode()
    assert message in page and "This password" not in page and "role needs" not in page
    assert (StaffProfile.objects.count(), AuditEvent.objects.filter(action="staff_saved").count()) == before


def test_a_region_of_the_wrong_level_leaves_the_staff_member_as_they_were(admin_user, clerk):
    profile = clerk.staff
    response = client_for(admin_user).post(
        f"/admin/regions/staffprofile/{profile.pk}/change/", {"role": "village_clerk", "region": SHENTOU}
    )
    assert response.status_code == 200
    assert "村级经办员需要村（居）级区划" in response.content.decode()
    profile.refresh_from_db()
    assert profile.region_id == BEIJIE


def test_an_administrator_cannot_deactivate_themselves_from_the_list(admin_user):
    response = client_for(admin_user).post(
        "/admin/regions/staffprofile/",
        {"action": "deactivate", "_selected_action": [admin_user.staff.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "不能停用自己的账号" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_admin_group_gets_new_permissions_at_migrate(admin_user):
    from django.apps import apps

    from aidflow.regions.apps import admin_permissions_refresh

    group = Group.objects.get(name="admin")
    group.permissions.remove(*group.permissions.filter(codename="change_hospital"))
    assert not group.permissions.filter(codename="change_hospital").exists()
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    admin_permissions_refresh(sender=apps.get_app_config("regions"))  # not the last app: nothing yet
    assert not group.permissions.filter(codename="change_hospital").exists()
    admin_permissions_refresh(sender=last)
    assert group.permissions.filter(codename="change_hospital").exists()
