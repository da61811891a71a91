"""An over-long address answers 414 and oversized headers 431, in JSON on the API, from AidFlow's
own check below gunicorn's raised limits (gunicorn alone answered a plain-text 400)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from aidflow.core.middleware import HEADER_FIELD_LIMIT, REQUEST_LINE_LIMIT
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_a_long_address_is_a_json_414_on_the_api(clerk):
    api = client_for(clerk).get("/api/v1/applications/", {"q": "王" * 1000}, HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 414 and "at most 4094 characters" in api.json()["errors"]["path"][0]
    assert api["Content-Security-Policy"] and api["X-Content-Type-Options"] == "nosniff"
    page = client_for(clerk).get("/workbench/applications/", {"q": "x" * REQUEST_LINE_LIMIT})
    assert page.status_code == 414 and page["Content-Type"].startswith("text/plain")
    # Just under the limit is an ordinary request.
    assert client_for(clerk).get("/api/v1/applications/", {"q": "x" * 3000}).status_code == 200


def test_a_large_header_is_a_json_431_on_the_api(clerk):
    api = client_for(clerk).get("/api/v1/applications/", HTTP_X_PADDING="a" * HEADER_FIELD_LIMIT)
    assert api.status_code == 431 and list(api.json()["errors"]) == ["X-Padding"]
    many = {f"HTTP_X_PAD_{index}": "a" * 4000 for index in range(10)}
    assert Client().get("/api/v1/applications/", **many).status_code == 431


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def raw_request(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_gunicorn_hands_long_requests_on_to_the_json_answers():
    port = free_port()
    environment = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "False"}
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "aidflow.wsgi", "--config", "python:aidflow.gunicorn"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        line = raw_request(
            port,
            b"GET /api/v1/applications/?q="
            + b"x" * 6000
            + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        )
        assert line.startswith(b"HTTP/1.1 414") and b'"errors"' in line
        header = raw_request(
            port,
            b"GET /api/v1/applications/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: "
            + b"a" * 12000
            + b"\r\nConnection: close\r\n\r\n",
        )
        assert header.startswith(b"HTTP/1.1 431") and b'"errors"' in header
    finally:
        server.terminate()
        server.wait(timeout=10)
