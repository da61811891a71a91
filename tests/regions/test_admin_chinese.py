"""The administration pages an administrator works in speak Chinese: every word a person sees or a
screen reader reads (text, titles, alternative texts, labels) is Chinese, apart from the data
itself (usernames, codes) and the product's name."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from aidflow.regions.models import Region
from aidflow.rolls.models import Hospital
from aidflow.rolls.services import hospitals_import
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db

WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class VisibleText(HTMLParser):
    """Text nodes outside scripts and styles, and the attributes people or screen readers read."""

    def __init__(self):
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg"):
            self.hidden += 1
        self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]
        if tag == "input" and dict(attrs).get("type") == "submit":
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def english_words(html: str, allowed: set[str]) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    return {word for word in WORD.findall(" ".join(parser.parts)) if word not in allowed}


def test_every_admin_page_of_the_administrator_is_in_chinese(admin_user, clerk, approver):
    hospitals_import(
        text="code,name,level,county,designated_from,designated_to,bank,account\n"
        "H-LC,陵城区人民医院,2,371403,2016-01-01,,农业银行陵城支行,6200000000000371403\n"
    )
    hospital = Hospital.objects.get(code="H-LC")
    allowed = {"AidFlow"} | set(get_user_model().objects.values_list("username", flat=True))
    allowed |= {word for source in Region.objects.values_list("source", flat=True) for word in WORD.findall(source)}
    admin = client_for(admin_user)
    staff = f"/admin/regions/staffprofile/{clerk.staff.pk}"
    pages = [
        "/admin/",
        "/admin/regions/",
        "/admin/regions/region/",
        "/admin/regions/region/371403/change/",
        "/admin/regions/staffprofile/",
        "/admin/regions/staffprofile/?q=nobody",
        "/admin/regions/staffprofile/add/",
        f"{staff}/change/",
        f"{staff}/unlock/",
        f"{staff}/reset-authenticator/",
        f"{staff}/history/",
        "/admin/rolls/",
        "/admin/rolls/hospital/",
        f"/admin/rolls/hospital/{hospital.pk}/change/",
        "/admin/password_change/",
    ]
    found = {}
    for path in pages:
        response = admin.get(path)
        assert response.status_code == 200, path
        words = english_words(response.content.decode(), allowed)
        if words:
            found[path] = sorted(words)
    # A page with errors too (its title says so).
    response = admin.post("/admin/regions/staffprofile/add/", {"username": "x", "role": "village_clerk"})
    words = english_words(response.content.decode(), allowed)
    if words:
        found["add with errors"] = sorted(words)
    assert not found, found
