"""Every password rule answers in Chinese on a Chinese screen: Django's own validators (including the
minimum length, whose Django 5.2 wording the shipped Chinese catalogue lacks), AidFlow's character
classes, on the password change screens of the workbench and the admin, and in create_staff."""

import re

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.factories import PASSWORD
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db

# Each breaks at least one rule: too short, too common, all digits, like the username, no symbol,
# no digit, no letter.
WEAK = ["Ab1!", "password", "1234567890123", "clerk-2026!", "longpassword2026", "only-letters-here", "2026-11-22-0000"]
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def messages_for(password: str, user) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        return error.messages
    return []


def test_every_rule_answers_in_chinese(clerk):
    with translation.override("zh-hans"):
        messages = [message for password in WEAK for message in messages_for(password, clerk)]
        help_texts = password_validators_help_texts()
    assert len(messages) >= len(WEAK)
    assert "密码太短，至少需要 10 个字符。" in messages
    for text in messages + help_texts:
        assert not ENGLISH_WORD.search(text), text


def test_the_workbench_password_change_answers_in_chinese(clerk):
    response = client_for(clerk).post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Ab1!", "new_password2": "Ab1!"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "密码太短，至少需要 10 个字符。" in page
    assert "This password" not in page and "must also contain" not in page
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_the_admin_password_change_answers_in_chinese(admin_user):
    response = client_for(admin_user).post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": "longpassword2026", "new_password2": "longpassword2026"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "密码还必须包含符号" in page and "This password" not in page


def test_create_staff_answers_in_the_site_language(regions):
    with translation.override("zh-hans"), pytest.raises(CommandError) as caught:
        call_command("create_staff", "--username", "x", "--password", "Ab1!", "--role", "auditor", "--region", "3714")
    text = str(caught.value)
    assert text.startswith("未保存任何内容。")
    assert "password: 密码太短，至少需要 10 个字符。" in text
    assert "This password" not in text
