"""No internal name reaches a reader: the seeded demo is walked as each demo role - every page reachable
by links from the home page (the navigation, the inbox and the lists, and from them each case,
settlement, claim, batch and report page) - and the visible text of each page, with tags, scripts,
styles and attributes taken out, must hold no snake_case word (`discharge_date`, `NOT_ON_ROLL`).
The files those pages link to are read too: the text of each PDF (notices, paper forms, slips,
the monthly report) and every cell of each XLSX and CSV, but for the columns kept for programs
(headed 代码, JSON or by an English code name). A failure names the page, the role and the word.

Not counted as codes: sign-in names (`clerk_beijie`, a person's own identifier, shown as the actor
in the audit log), and what a page shows in <code> or <kbd> - a command to type, as it is typed."""

from __future__ import annotations

import csv
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
# Links that are not screens: actions, and places outside the workbench; files are read apart. The
# import templates' headers are the files' column names (INTERFACES section 2), which imports read.
SKIP = re.compile(
    r"(/logout/|/admin/|/i18n/|/jsi18n/|/static/|/api/|/accounts/|/documents/|/verify/|/imports/template/)"
)
FILES = re.compile(r"(\.pdf|/pdf/|\.xlsx|\.csv|/export/)")
PAGES_PER_ROLE = 400
# Answers reached by a search form rather than a link: a roll look-up of two demo recipients (the
# second one also on a form that records a referral).
SEARCHES = ["/workbench/recipients/?id_number=371403194603090150", "/workbench/referrals/?id_number=37140319550721033X"]
# Files of one kind (the same path but for its numbers) read per role: they share a template.
FILES_PER_KIND = 2
# Columns a file keeps for programs, by their heading.
CODE_COLUMNS = {"代码", "详情（JSON）", "role", "action", "stage"}


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


def file_text(response) -> str:
    """The text a reader sees in a PDF, XLSX or CSV answer (columns kept for programs left out)."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in kind:
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if "spreadsheet" in kind:
        from openpyxl import load_workbook

        sheets = [list(sheet.iter_rows(values_only=True)) for sheet in load_workbook(io.BytesIO(body)).worksheets]
    elif "csv" in kind:
        sheets = [list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))]
    else:
        return ""
    words = []
    for rows in sheets:
        hidden: set[int] = set()
        for row in rows:
            if any(cell in CODE_COLUMNS for cell in row):  # a heading row: the columns below it
                hidden = {index for index, cell in enumerate(row) if cell in CODE_COLUMNS}
            words += [str(cell) for index, cell in enumerate(row) if cell is not None and index not in hidden]
    return " ".join(words)


def walk(client: Client) -> dict[str, list[str]]:
    """Every page reachable from the home page, each path once (the first query string seen), and
    the files they link to; the snake_case words each shows."""
    seen: set[str] = set()
    queue = deque(["/workbench/", *SEARCHES])
    found: dict[str, list[str]] = {}
    files: dict[str, list[str]] = {}
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
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if FILES.search(parts.path):
                kind = files.setdefault(re.sub(r"\d+", "N", parts.path), [])
                if len(kind) < FILES_PER_KIND and target not in kind:
                    kind.append(target)
                continue
            queue.append(target)
    for targets in files.values():
        for url in targets:
            response = client.get(url)
            seen.add(url)
            if response.status_code == 200:
                words = sorted(set(SNAKE.findall(" ".join(file_text(response).split()))))
                if words:
                    found[url] = words
    return found, seen


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_no_snake_case_on_any_screen(demo):
    usernames = [row[0] for row in DEMO_STAFF] + [row[0] for row in DEMO_HOSPITAL_CLERKS]
    problems = []
    walked: set[str] = set()
    for username in usernames:
        client = Client()
        client.force_login(User.objects.get(username=username))
        found, seen = walk(client)
        walked |= {re.sub(r"\?.*", "", url) for url in seen}
        # Sign-in names are the people's own identifiers (the audit log's actor), not codes.
        problems += [
            f"{username} {url}: {', '.join(bad)}"
            for url, words in found.items()
            if (bad := [word for word in words if word not in usernames])
        ]
    # Every kind of screen and file was reached: the walk is not stopped short by a broken link.
    for kind in (
        "/workbench/applications/N/",
        "/workbench/applications/N/history/",
        "/workbench/applications/new/",
        "/workbench/settlements/N/",
        "/workbench/claims/N/",
        "/workbench/payments/batches/N/",
        "/workbench/reports/monthly/",
        "/workbench/audit/",
        "/workbench/notices/N/pdf/",
        "/workbench/applications/N/form.pdf",
        "/workbench/settlements/N/slip.pdf",
        "/workbench/reports/monthly/export/",
        "/workbench/audit/export.csv",
    ):
        assert kind in {re.sub(r"\d+", "N", url) for url in walked}, kind
    assert not problems, "internal names on screens:\n" + "\n".join(problems)
