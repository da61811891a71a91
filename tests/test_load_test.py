"""The load test's harness (benchmarks/load_test.py) without the load: its options, the office it
simulates, and the authenticator codes its people type, checked against django-otp itself."""

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from load_client import _multipart, totp
from load_test import arguments, personas


def test_the_options_default_to_50_people_for_2_minutes_and_refuse_nonsense():
    args = arguments([])
    assert (args.users, args.seconds, args.workers, args.threads) == (50, 120.0, 3, 4)
    assert arguments(["--users", "5", "--seconds", "10"]).users == 5
    for wrong in (["--users", "0"], ["--seconds", "-1"], ["--fresh", "--database-url", "postgres://x/y"]):
        with pytest.raises(SystemExit):
            arguments(wrong)


@pytest.mark.django_db
def test_the_office_mixes_every_role_and_a_few_people_are_already_a_mix(regions):
    office = personas(50)
    assert Counter(persona.role for persona in office) == {
        "village_clerk": 24,
        "township_reviewer": 8,
        "county_approver": 4,
        "county_finance": 2,
        "auditor": 10,
        "hospital_clerk": 2,
    }
    assert len({persona.username for persona in office}) == 50
    assert {persona.role for persona in personas(6)} >= {"village_clerk", "township_reviewer", "auditor"}
    # Few enough API sign-ins for the sign-in throttle (20 a minute from one address).
    assert 0 < sum(persona.api for persona in office) <= 15


@pytest.mark.django_db
def test_the_people_s_authenticator_codes_are_the_ones_django_otp_accepts(approver):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from aidflow.accounts.twofactor import secret_of

    device = TOTPDevice.objects.create(user=approver, name="phone", confirmed=True)
    assert device.verify_token(totp(secret_of(device)))
    assert not device.verify_token(totp(secret_of(device), at=0))


def test_uploads_are_sent_as_multipart_form_data():
    body, content_type = _multipart({"kind": "id_card", "file": ("scan.pdf", b"%PDF-1.4", "application/pdf")})
    boundary = content_type.split("boundary=")[1]
    assert body.count(boundary.encode()) == 3 and b'name="kind"\r\n\r\nid_card' in body
    assert b'filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4' in body
