"""No internal name reaches a reader: the seeded demo is walked as each demo role - every page reachable
by links from the home page (the navigation, the inbox and the lists, and from them each case,
settlement, claim, batch and report page) - and the visible text of each page, with tags, scripts,
styles and attributes taken out, must hold no snake_case word (`discharge_date`, `NOT_ON_ROLL`).
A failure names the page, the role and the word."""

from __future__ import annotations

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from aidflow.regions.management.commands.seed_demo import DEMO_HOSPITAL_CLERKS, DEMO_STAFF

pytestmark = pytest.mark.django_db
User = get_user_model()

SNAKE = re.compile(r"(?<![\w./-])(?:[a-z]+_[a-z_]+|[A-Z]{2,}_[A-Z_]+)(?![\w/.-])")
# Links that are not screens: files, actions, and places outside the workbench.
SKIP = re.compile(
    r"(\.pdf|\.xlsx|\.csv|/export/|/logout/|/admin/|/i18n/|/jsi18n/|/static/|/api/|/accounts/|/documents/|/verify/)"
)
PAGES_PER_ROLE = 400


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts, styles or templates, and no icon ligatures
    (`<i class="material-icons">arrow_drop_down</i>` draws an arrow, not the words)."""

    # Scripts and styles are not read; a <code> or <kbd> holds what a person types (a command), as typed.
    HIDDEN = {"script", "style", "template", "noscript", "code", "kbd"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.icons: list[str] = []
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.HIDDEN:
            self.depth += 1
        elif (self.icons and tag == self.icons[-1]) or "material-icons" in (attributes.get("class") or ""):
            self.icons.append(tag)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1
        elif self.icons and tag == self.icons[-1]:
            self.icons.pop()

    def handle_data(self, data):
        if not self.depth and not self.icons:
            self.parts.append(data)


def visible(html: str) -> tuple[str, list[str]]:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split()), parser.links


def walk(client: Client) -> dict[str, list[str]]:
    """Every page reachable from the home page, each path once (the first query string seen); the
    snake_case words each shows."""
    seen: set[str] = set()
    queue = deque(["/workbench/"])
    found: dict[str, list[str]] = {}
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.popleft()
        path = urlsplit(url).path
        if path in seen:
            continue
        seen.add(path)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        text, links = visible(response.content.decode())
        words = sorted(set(SNAKE.findall(text)))
        if words:
            found[url] = words
        for link in links:
            target = urljoin(url, link)
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            if not parts.path.startswith("/") or SKIP.search(parts.path) or parts.path in seen:
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found, seen


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_no_snake_case_on_any_screen(demo):
    usernames = [row[0] for row in DEMO_STAFF] + [row[0] for row in DEMO_HOSPITAL_CLERKS]
    problems = []
    walked = 0
    for username in usernames:
        client = Client()
        client.force_login(User.objects.get(username=username))
        found, seen = walk(client)
        walked += len(seen)
        # Sign-in names are the people's own identifiers (the audit log's actor), not codes.
        problems += [
            f"{username} {url}: {', '.join(bad)}"
            for url, words in found.items()
            if (bad := [word for word in words if word not in usernames])
        ]
    assert walked > 50
    assert not problems, "internal names on screens:\n" + "\n".join(problems)
