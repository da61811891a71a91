"""The replica router's rules, without a replica: which database a read would go to (the real
streaming replica is tests/ops/test_replica_live.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from aidflow.audit.models import AuditEvent
from aidflow.cases.models import Application
from aidflow.core import replica
from aidflow.core.replica import REPLICA, ReplicaRouter, read_alias, replica_reads
from aidflow.ops import middleware
from tests.test_settings import manage_check

ROUTER = ReplicaRouter()
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def with_replica(settings, monkeypatch):
    """A replica in the settings (never connected to: its lag is given)."""
    settings.DATABASES = {**settings.DATABASES, REPLICA: dict(settings.DATABASES["default"])}
    settings.DATABASE_REPLICA_MAX_LAG = 30
    lag = {"seconds": 0.0}
    monkeypatch.setattr(replica, "replica_lag", lambda: lag["seconds"])
    return lag


def test_without_a_replica_nothing_changes():
    with replica_reads():
        assert ROUTER.db_for_read(Application) is None
        assert router.db_for_read(Application) == "default"


def test_report_reads_of_the_domain_go_to_the_replica(with_replica):
    assert ROUTER.db_for_read(Application) == "default"
    with replica_reads():
        assert ROUTER.db_for_read(Application) == REPLICA
        assert ROUTER.db_for_read(AuditEvent) == REPLICA
        # Sign-in and sessions never: a lagging replica must not sign anyone out.
        assert ROUTER.db_for_read(Session) == "default"
        assert ROUTER.db_for_write(Application) == "default"
    assert ROUTER.allow_migrate(REPLICA, "cases") is False
    assert ROUTER.allow_migrate("default", "cases") is True


def test_inside_a_transaction_reads_go_to_the_primary(with_replica, monkeypatch):
    with replica_reads():
        monkeypatch.setattr(connections["default"], "in_atomic_block", True)
        assert read_alias("cases") is None


def test_a_pinned_reader_and_a_lagging_or_silent_replica_read_the_primary(with_replica):
    with replica_reads(allowed=lambda: False):
        assert read_alias("cases") is None
    with_replica["seconds"] = 31.0
    with replica_reads():
        assert read_alias("cases") is None
    with_replica["seconds"] = None  # the replica does not answer
    with replica_reads():
        assert read_alias("cases") is None
    with_replica["seconds"] = 30.0
    with replica_reads():
        assert read_alias("cases") == REPLICA


def test_deciding_reads_the_primary_and_decides_once(with_replica):
    asked = []

    def allowed():
        # What deciding reads itself (the user's role) must not recurse into the decision.
        asked.append(read_alias("regions"))
        return True

    with replica_reads(allowed):
        assert read_alias("cases") == REPLICA
        assert read_alias("audit") == REPLICA
    assert asked == [None]


def request_for(path, user, method="get"):
    request = getattr(RequestFactory(), method)(path)
    request.user = user
    request.session = SessionStore()
    request.resolver_match = resolve(path)
    return request


class Staff:
    is_authenticated = True
    pk = 7


def test_a_users_post_pins_their_reads_to_the_primary(with_replica, settings):
    settings.DATABASE_REPLICA_PIN_SECONDS = 30
    routing = middleware.ReplicaRoutingMiddleware(lambda request: HttpResponse(status=302))
    post = request_for("/workbench/audit/", Staff(), method="post")
    routing(post)
    later = request_for("/workbench/audit/", Staff())
    later.session = post.session
    assert middleware.pinned_to_primary(later)
    # The API's token clients have no session: the cache remembers them.
    later.session = SessionStore()
    assert middleware.pinned_to_primary(later)
    assert not middleware.pinned_to_primary(request_for("/workbench/audit/", AnonymousUser()))


def test_only_report_screens_and_the_auditors_lists_are_marked(with_replica, monkeypatch):
    seen = {}

    def view(request):
        seen[request.path] = read_alias("cases")
        return HttpResponse()

    monkeypatch.setattr(middleware, "_is_auditor", lambda user: getattr(user, "auditor", False))
    routing = middleware.ReplicaRoutingMiddleware(view)
    auditor, clerk = Staff(), Staff()
    auditor.auditor, clerk.pk = True, 8
    for path, user in [
        ("/workbench/reports/monthly/", clerk),
        ("/workbench/audit/export.csv", clerk),
        ("/workbench/inbox/", clerk),
        ("/workbench/applications/", clerk),
    ]:
        request = request_for(path, user)
        routing.process_view(request, view, (), {})
        routing(request)
        assert read_alias("cases") is None  # the mark ends with the request
    assert seen == {
        "/workbench/reports/monthly/": REPLICA,
        "/workbench/audit/export.csv": REPLICA,
        "/workbench/inbox/": None,
        "/workbench/applications/": None,
    }
    request = request_for("/workbench/applications/", auditor)
    routing.process_view(request, view, (), {})
    routing(request)
    assert seen["/workbench/applications/"] == REPLICA


def test_the_replica_must_be_postgresql():
    result = manage_check(DATABASE_REPLICA_URL="sqlite:////tmp/replica.sqlite3")
    assert result.returncode != 0
    assert "The environment variable DATABASE_REPLICA_URL" in result.stderr
