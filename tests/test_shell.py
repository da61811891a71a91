"""The app shell: login in Chinese, a home page per role, nothing reachable without login, lockout."""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import PASSWORD

# Routes an anonymous user may open: the login pages, what the login page itself loads, and the
# public verification page of notices.
# The public disclosure (公示) of a county's month is public by law (tests/reports/test_disclosure.py).
# The applicant's status page is public too (INTERFACES section 13): number and status code only.
PUBLIC_ROUTES = {"login", "admin:login", "set_language", "javascript-catalog", "verify", "disclosure", "status"}
# The API answers machines: 401 instead of a redirect; these parts are public by design.
PUBLIC_API_ROUTES = {"api:token", "api:verify", "api:not_found", "api:status"}
LOGIN_PREFIXES = ("/accounts/login/", "/admin/login/")

# Sample values for the parameters of routes, so every route can be requested.
SAMPLES = {"app_label": "regions", "model_name": "region", "object_id": "37", "content_type_id": "1", "url": "x"}


def all_routes():
    """(name, concrete URL) for every route of the project."""

    def build(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from build(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLES.get(m.group(1), "1"), route)
                route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLES.get(m.group(1), "1"), route)
                route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
                yield f"{namespace}{pattern.name}", "/" + route

    return list(build(get_resolver().url_patterns, "", ""))


@pytest.mark.django_db
def test_every_route_but_login_sends_anonymous_users_to_login(client):
    routes = all_routes()
    assert len(routes) > 20  # the admin alone has dozens; a broken walk would find few
    checked = 0
    for name, url in routes:
        if name in PUBLIC_ROUTES or name in PUBLIC_API_ROUTES:
            continue
        response = client.get(url)
        if name.startswith("api:"):
            assert response.status_code == 401, f"{name} {url} answered {response.status_code}"
            checked += 1
            continue
        assert response.status_code == 302, f"{name} {url} answered {response.status_code}"
        assert response["Location"].startswith(LOGIN_PREFIXES), f"{name} {url} -> {response['Location']}"
        checked += 1
    public = PUBLIC_ROUTES | PUBLIC_API_ROUTES
    assert checked == len(routes) - len([name for name, _url in routes if name in public])


@pytest.mark.django_db
def test_login_page_is_in_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="zh-hans"' in text
    assert "登录" in text and "医疗救助" in text
    assert "用户名" in text and "密码" in text


@pytest.mark.django_db
def test_login_page_switches_to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    text = client.get("/accounts/login/").content.decode()
    assert '<html lang="en"' in text and "Log in" in text


@pytest.mark.parametrize(
    ("persona", "role_name", "where", "duty"),
    [
        ("clerk", "村级经办员", "陵城区神头镇北街", "3日内"),
        ("reviewer", "乡镇审核员", "陵城区神头镇", "7日内"),
        ("approver", "县级审批员", "陵城区", "10日内"),
        ("auditor", "审计员", "陵城区", "只读"),
        ("admin_user", "系统管理员", None, "管理"),
    ],
)
@pytest.mark.django_db
def test_each_role_gets_its_home_page(client, request, persona, role_name, where, duty):
    user = request.getfixturevalue(persona)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert role_name in text
    assert duty in text
    if where:
        assert where in text


@pytest.mark.django_db
def test_admin_site_is_for_the_admin_role_only(client, admin_user, approver):
    client.force_login(approver)
    assert client.get("/admin/").status_code == 302
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/regions/region/").status_code == 200
    assert client.get("/admin/regions/staffprofile/").status_code == 200


@pytest.mark.django_db
def test_admin_creates_and_moves_staff_through_the_service(client, admin_user):
    from guardian.shortcuts import get_perms

    from aidflow.regions.models import Region, StaffProfile

    client.force_login(admin_user)
    form = {
        "username": "newreviewer",
        "name": "马丽",
        "password": "Strong-pass-2026!",
        "role": "township_reviewer",
        "region": "371403102",
    }
    response = client.post("/admin/regions/staffprofile/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = StaffProfile.objects.get(user__username="newreviewer")
    assert profile.region_id == "371403102" and profile.user.check_password("Strong-pass-2026!")
    assert get_perms(profile.user, Region.objects.get(code="371403102")) == ["review_township"]
    # A region of the wrong level is refused on the form, and nothing changes.
    response = client.post(
        f"/admin/regions/staffprofile/{profile.pk}/change/", {"role": "township_reviewer", "region": "371403"}
    )
    assert response.status_code == 200  # the form again, with the service's message on the region field
    assert "errorlist" in response.content.decode()
    profile.refresh_from_db()
    assert profile.region_id == "371403102"
    # The admin role cannot edit users directly (no route to superuser flags), nor add regions by hand.
    assert not admin_user.has_perm("auth.change_user")
    assert client.get("/admin/regions/region/add/").status_code == 403


@pytest.mark.django_db
def test_lockout_after_five_failures_per_username(client, clerk, reviewer):
    for _attempt in range(4):
        response = client.post("/accounts/login/", {"username": clerk.username, "password": "wrong-password-1!"})
        assert response.status_code == 200  # the form again, with an error
    # The fifth failure locks the username.
    response = client.post("/accounts/login/", {"username": clerk.username, "password": "wrong-password-1!"})
    assert response.status_code == 429
    # Now even the right password is refused for that username ...
    response = client.post("/accounts/login/", {"username": clerk.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # ... while a colleague in the same office (same address) still logs in.
    response = client.post("/accounts/login/", {"username": reviewer.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reviewer.pk)


def test_session_and_cookie_settings():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.LANGUAGE_CODE == "zh-hans"
    assert "en" in dict(settings.LANGUAGES)
    # The test run has DEBUG off, so production cookie and HSTS settings are in force.
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS >= 31536000
