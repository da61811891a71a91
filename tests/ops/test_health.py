"""/healthz and /readyz for the proxy and the orchestrator: no sign-in, no session, no personal data;
/readyz names the part that fails (a broker that does not answer, a media root that refuses writes)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess

import pytest
from django.test import Client


def probe(path, **extra):
    return Client().get(path, **extra)


@pytest.mark.django_db
def test_healthz_answers_without_sign_in_session_or_host_check():
    response = probe("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert len(response["X-Request-ID"]) == 32
    # Any other page still checks the Host header and asks for a sign-in.
    assert probe("/workbench/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    assert probe("/workbench/").status_code == 302


@pytest.mark.django_db
def test_readyz_names_every_part_when_all_is_well():
    response = probe("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "cache": "ok", "media": "ok"}}


@pytest.mark.django_db
def test_probes_are_not_sent_to_https_while_the_pages_are(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert probe("/healthz").status_code == 200
    assert probe("/readyz").status_code == 200
    assert probe("/metrics").status_code == 200
    redirected = probe("/accounts/login/")
    assert redirected.status_code == 301 and redirected["Location"].startswith("https://")


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_makes_the_process_unready(settings):
    # Nothing listens on port 1: the broker is down.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = probe("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"] == {"database": "ok", "broker": "unavailable", "cache": "ok", "media": "ok"}
    # The reason (a host, a port) stays in the log.
    assert "127.0.0.1" not in response.content.decode()
    assert probe("/healthz").status_code == 200


@contextlib.contextmanager
def read_only(folder):
    """A folder nobody can write in - root included, for whom permission bits do not count (an
    immutable folder, as a read-only mount would be)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if shutil.which("chattr") is None:
        pytest.skip("as root a read-only folder needs chattr")
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"this file system cannot make a folder immutable: {made.stderr!r}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.mark.django_db
def test_a_read_only_media_root_makes_the_process_unready(settings, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    with read_only(media):
        with pytest.raises(OSError):
            (media / "probe").write_bytes(b"x")
        response = probe("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["media"]
    assert str(tmp_path) not in response.content.decode()
    assert probe("/readyz").status_code == 200
    assert list(media.iterdir()) == []  # the probe leaves nothing behind


@pytest.mark.django_db
def test_probes_take_only_get():
    response = Client().post("/readyz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
