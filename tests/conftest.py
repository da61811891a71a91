"""Shared fixtures: the Dezhou regions and the personas every test talks about."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.factories import (
    BEIJIE,
    LAOLI,
    LINGCHENG,
    MIZHEN,
    NANYOUFANG,
    PINGYUAN,
    REGIONS_FILE,
    SHENTOU,
    import_hospitals,
    import_regions,
    load_policy,
    make_staff,
)

pytest_plugins = ["tests.clock"]

REGION_COUNT = len(REGIONS_FILE.read_text(encoding="utf-8").strip().splitlines()) - 1


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests skip, with the reason shown, when the database is SQLite."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI runs these)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def audit_triggers(request):
    """On PostgreSQL the audit table's triggers are on during every test. A transactional test ends
    with Django's TRUNCATE flush, which the triggers rightly refuse, so they go off just for that."""
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        yield
        return
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not uses_db:
        yield
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    yield
    if transactional:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")


@pytest.fixture(autouse=True)
def single_step_sign_in(settings):
    """Tests sign in with one step; tests/accounts/ switch the second step on."""
    settings.AIDFLOW_REQUIRE_2FA = False


@pytest.fixture
def one_signature(settings):
    """An office with one finance officer: batches are open and exported at once (INTERFACES
    section 15), for tests about what happens after the bank file, not about who approves it."""
    settings.PAYMENT_SECOND_SIGNATURE = False


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttles and rate limits count in the cache; each test starts from zero. The holiday
    schedule each process keeps goes too: a test's rows are rolled back, its copy would not be."""
    from django.core.cache import cache

    from aidflow.calendars.services import calendar_cache_clear

    cache.clear()
    calendar_cache_clear()
    yield
    cache.clear()
    calendar_cache_clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploaded documents and notices go to a temporary folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s per password; tests check roles and scope, not hash strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    # Production serves collected, hashed files; tests serve the apps' static folders directly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def english_messages():
    """Service and command messages in English; pages pick their own language per request."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the shipped regions imported once for the session: nearly every test
    reads them and none keeps a change (each runs in a transaction that is rolled back)."""
    with django_db_blocker.unblock():
        import_regions()


@pytest.fixture
def regions(db):
    """The shipped Dezhou region file, imported through the real service. It is imported once per
    session; a transactional test's flush empties the table, so then it is imported again."""
    from aidflow.regions.models import Region

    if Region.objects.count() != REGION_COUNT:
        import_regions()


@pytest.fixture
def clerk(regions):
    return make_staff("clerk", "village_clerk", BEIJIE, "李秀英")


@pytest.fixture
def neighbour_clerk(regions):
    """A clerk of another village in the same township."""
    return make_staff("clerk2", "village_clerk", LAOLI, "王建国")


@pytest.fixture
def reviewer(regions):
    return make_staff("reviewer", "township_reviewer", SHENTOU, "刘志强")


@pytest.fixture
def approver(regions):
    return make_staff("approver", "county_approver", LINGCHENG, "陈明")


@pytest.fixture
def auditor(regions):
    return make_staff("auditor", "auditor", LINGCHENG, "周敏")


@pytest.fixture
def city_auditor(regions):
    return make_staff("city_auditor", "auditor", "3714", "吴刚")


@pytest.fixture
def outsider(regions):
    """A county approver from another county: must see nothing of 陵城区."""
    return make_staff("outsider", "county_approver", PINGYUAN, "孙伟")


@pytest.fixture
def admin_user(regions):
    return make_staff("sysadmin", "admin", None, "系统管理员")


@pytest.fixture
def policy(regions):
    """The shipped Dezhou policy, loaded through the real service, with the demo register of
    designated hospitals the policy's hospital rules read."""
    import_hospitals()
    return load_policy()


@pytest.fixture
def other_reviewer(regions):
    """A township reviewer of another township (糜镇) in the same county."""
    return make_staff("reviewer2", "township_reviewer", MIZHEN, "马丽")


@pytest.fixture
def far_clerk(regions):
    """A village clerk in another county (平原县南油坊)."""
    return make_staff("clerk3", "village_clerk", NANYOUFANG, "张桂兰")
