"""Scope: which regions a user may see, from guardian permissions on Region, as SQL prefix filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aidflow.regions.models import Region
from aidflow.regions.scope import in_scope, scope_codes, scope_q, visible_regions
from tests.factories import BEIJIE, LAOLI, LINGCHENG, NANYOUFANG, PINGYUAN, QIANCAO, SHENTOU, XIAOWANG


@pytest.mark.django_db
def test_each_role_is_scoped_to_its_own_region(clerk, reviewer, approver, auditor, city_auditor, outsider, admin_user):
    assert scope_codes(clerk) == [BEIJIE]
    assert scope_codes(reviewer) == [SHENTOU]
    assert scope_codes(approver) == [LINGCHENG]
    assert scope_codes(auditor) == [LINGCHENG]
    assert scope_codes(city_auditor) == ["3714"]
    assert scope_codes(outsider) == [PINGYUAN]
    assert scope_codes(admin_user) == []


@pytest.mark.django_db
def test_in_scope_is_a_prefix_check(clerk, reviewer, approver, outsider, city_auditor):
    assert in_scope(clerk, BEIJIE) and not in_scope(clerk, LAOLI)
    assert in_scope(reviewer, BEIJIE) and in_scope(reviewer, LAOLI) and not in_scope(reviewer, XIAOWANG)
    assert in_scope(approver, XIAOWANG) and not in_scope(approver, NANYOUFANG)
    assert in_scope(outsider, NANYOUFANG) and not in_scope(outsider, BEIJIE)
    assert in_scope(city_auditor, BEIJIE) and in_scope(city_auditor, NANYOUFANG)
    # Scope can be narrowed to one permission: a clerk does not review.
    assert not in_scope(clerk, BEIJIE, ["regions.review_township"])
    assert in_scope(reviewer, LAOLI, ["regions.review_township"])


@pytest.mark.django_db
def test_visible_regions_filter_in_sql(reviewer, outsider, city_auditor):
    shentou = set(visible_regions(reviewer).values_list("code", flat=True))
    assert SHENTOU in shentou and BEIJIE in shentou and LAOLI in shentou
    assert all(code.startswith(SHENTOU) for code in shentou)
    pingyuan = set(visible_regions(outsider).values_list("code", flat=True))
    assert {PINGYUAN, QIANCAO, NANYOUFANG} <= pingyuan
    assert not any(code.startswith(LINGCHENG) for code in pingyuan)
    assert visible_regions(city_auditor).count() == Region.objects.filter(code__startswith="3714").count()
    with CaptureQueriesContext(connection) as queries:
        list(Region.objects.filter(scope_q(reviewer, "code")))
    # The scope is already cached on the user, so the filter is one query, done with LIKE in SQL.
    assert len(queries) == 1
    assert "LIKE" in queries[0]["sql"].upper()


@pytest.mark.django_db
def test_no_scope_means_nothing(admin_user, django_user_model):
    assert not visible_regions(admin_user).exists()
    stranger = django_user_model.objects.create_user("stranger", password="Stranger-2026!")
    assert scope_codes(stranger) == []
    assert not visible_regions(stranger).exists()
    inactive = django_user_model.objects.get(username=admin_user.username)
    inactive.is_active = False
    assert scope_codes(inactive) == []


@pytest.mark.django_db
def test_moving_staff_moves_scope(reviewer, django_user_model):
    from tests.factories import make_staff

    moved = make_staff("reviewer", "township_reviewer", QIANCAO)
    fresh = django_user_model.objects.get(pk=moved.pk)
    assert scope_codes(fresh) == [QIANCAO]
    assert not in_scope(fresh, BEIJIE)
