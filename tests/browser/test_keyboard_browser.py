"""Keyboard users reach the sidebar with Tab, and its links are named without icon ligatures."""

import pytest

from tests.browser.conftest import log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tab_reaches_every_sidebar_link(page, clerk):
    log_in(page, "clerk", PASSWORD)
    page.goto("/workbench/")
    page.wait_for_load_state("networkidle")
    links = page.locator(".vf-page__menu-list-item")
    assert links.count() >= 4
    assert page.evaluate("() => [...document.querySelectorAll('.vf-page__menu-list-item')].every(a => a.tabIndex >= 0)")
    reached = set()
    for _press in range(40):
        page.keyboard.press("Tab")
        text = page.evaluate("() => document.activeElement && document.activeElement.innerText")
        if text:
            reached.add(text.strip())
    assert any("救助申请" in text for text in reached), reached
    # Icons are hidden from assistive technology, so the accessible name is the words only.
    name = page.get_by_role("link", name="救助申请", exact=True)
    assert name.count() == 1
