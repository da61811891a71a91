"""create_staff: roles, regions of the right level, refusals that create nothing, idempotence."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from guardian.shortcuts import get_perms

from aidflow.regions.models import Region, StaffProfile
from tests.factories import BEIJIE, LINGCHENG, PASSWORD, SHENTOU


def create(*args):
    call_command("create_staff", *args)


@pytest.mark.django_db
def test_creates_clerk_with_group_profile_and_region_permission(regions, django_user_model, capsys):
    create(
        "--username", "li", "--password", PASSWORD, "--role", "village_clerk", "--region", BEIJIE, "--name", "李秀英"
    )
    user = django_user_model.objects.get(username="li")
    assert user.check_password(PASSWORD)
    assert user.first_name == "李秀英"
    assert list(user.groups.values_list("name", flat=True)) == ["village_clerk"]
    assert user.staff.role == "village_clerk" and user.staff.region_id == BEIJIE
    assert get_perms(user, Region.objects.get(code=BEIJIE)) == ["check_village"]
    assert not user.is_staff and not user.is_superuser
    assert "Saved li: village_clerk" in capsys.readouterr().out


@pytest.mark.django_db
def test_zero_padded_region_code_is_accepted(regions, django_user_model):
    create("--username", "liu", "--password", PASSWORD, "--role", "township_reviewer", "--region", "371403105000")
    assert django_user_model.objects.get(username="liu").staff.region_id == SHENTOU


@pytest.mark.django_db
def test_auditor_may_work_at_any_level_and_admin_at_none(regions, django_user_model):
    create("--username", "a1", "--password", PASSWORD, "--role", "auditor", "--region", "3714")
    create("--username", "a2", "--password", PASSWORD, "--role", "auditor", "--region", BEIJIE)
    create("--username", "boss", "--password", PASSWORD, "--role", "admin")
    admin = django_user_model.objects.get(username="boss")
    assert admin.is_staff and not admin.is_superuser
    assert admin.has_perm("regions.change_region") and admin.has_perm("regions.view_staffprofile")
    assert not admin.has_perm("regions.delete_region")
    assert Group.objects.get(name="admin").permissions.exists()


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        (
            ["--role", "village_clerk", "--region", SHENTOU],
            "region",
            "is at Township level; the role Village clerk needs a region at Village level",
        ),
        (["--role", "township_reviewer", "--region", LINGCHENG], "region", "needs a region at Township level"),
        (["--role", "county_approver", "--region", SHENTOU], "region", "needs a region at County level"),
        (["--role", "county_approver", "--region", "371499"], "region", "Unknown region 371499"),
        (["--role", "county_approver", "--region", "37x"], "region", "digits only"),
        (["--role", "county_approver"], "region", "needs a region"),
        (["--role", "admin", "--region", LINGCHENG], "region", "works without a region"),
        (["--role", "mayor", "--region", LINGCHENG], "role", "Unknown role 'mayor'"),
    ],
)
@pytest.mark.django_db
def test_refusals_name_the_field_and_create_nothing(regions, django_user_model, args, field, message):
    with pytest.raises(CommandError) as caught:
        create("--username", "x", "--password", PASSWORD, *args)
    assert f"{field}: " in str(caught.value) and message in str(caught.value)
    assert "Nothing was saved" in str(caught.value)
    assert not django_user_model.objects.filter(username="x").exists()
    assert not StaffProfile.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt!", "at least 10 characters"),
        ("longpassword2026", "symbol"),
        ("only-letters-here", "digit"),
        ("2026-11-22-0000", "letter"),
        ("wangxiaoming-1", "too similar"),
    ],
)
@pytest.mark.django_db
def test_weak_passwords_are_refused(regions, django_user_model, password, message):
    with pytest.raises(CommandError, match=message):
        create("--username", "wangxiaoming", "--password", password, "--role", "auditor", "--region", "3714")
    assert not django_user_model.objects.filter(username="wangxiaoming").exists()


@pytest.mark.django_db
def test_new_user_needs_a_password(regions, django_user_model):
    with pytest.raises(CommandError, match="password: A new staff member needs a password"):
        create("--username", "nopass", "--role", "auditor", "--region", "3714")
    assert not django_user_model.objects.filter(username="nopass").exists()


@pytest.mark.django_db
def test_rerun_updates_role_region_and_password_in_place(regions, django_user_model):
    create("--username", "zhao", "--password", PASSWORD, "--role", "village_clerk", "--region", BEIJIE)
    create("--username", "zhao", "--password", "Another-pass-77!", "--role", "county_approver", "--region", LINGCHENG)
    user = django_user_model.objects.get(username="zhao")
    assert django_user_model.objects.filter(username="zhao").count() == 1
    assert user.check_password("Another-pass-77!")
    assert list(user.groups.values_list("name", flat=True)) == ["county_approver"]
    assert user.staff.role == "county_approver" and user.staff.region_id == LINGCHENG
    assert get_perms(user, Region.objects.get(code=BEIJIE)) == []
    assert get_perms(user, Region.objects.get(code=LINGCHENG)) == ["approve_county"]
    # Without --password the password stays.
    create("--username", "zhao", "--role", "county_approver", "--region", LINGCHENG)
    assert django_user_model.objects.get(username="zhao").check_password("Another-pass-77!")
