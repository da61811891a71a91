"""The HTTP side of benchmarks/load_test.py: one simulated person signs in as a real one would (the web
sign-in form, the two-factor step with an authenticator code, or an API token) and sends requests,
each timed and counted under a kind. Standard library only, so the users' threads share nothing but
the tally."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import re
import struct
import threading
import time
import uuid
from collections import defaultdict
from urllib.parse import quote, urlencode

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECRET_SPAN = re.compile(r'class="af-mono af-secret">([A-Z2-7]+)<')


def totp(secret: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 code of a base32 secret, as an authenticator app shows it (django-otp's defaults)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


class Tally:
    """Every answer by kind: elapsed times, status counts, and the unexpected ones kept as examples."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.unexpected: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.examples: list[str] = []

    def add(self, kind: str, ms: float, status: int, expected: bool, detail: str) -> None:
        with self.lock:
            self.times[kind].append(ms)
            self.statuses[kind][status] += 1
            if not expected:
                self.unexpected[kind][status] += 1
                if len(self.examples) < 40:
                    self.examples.append(f"{kind} {status} {detail}")


class Answer:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body or b"null")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One person's browser or API client: a cookie jar (the server's cookies are Secure, this client
    sends them over the loopback as the TLS proxy would), a CSRF token, or an API token."""

    def __init__(self, port: int, tally: Tally, timeout: float = 120):
        self.port, self.tally, self.timeout = port, tally, timeout
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(
        self, kind: str, method: str, path: str, *, body=None, form=None, files=None, expect=(200,), api=False
    ) -> Answer:
        headers = {"Accept-Language": "zh-hans", "Host": f"127.0.0.1:{self.port}"}
        data = None
        if form is not None:
            data = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif files is not None:
            data, headers["Content-Type"] = _multipart(files)
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if api:
            headers["Accept"] = "application/json"
            if self.token:
                headers["Authorization"] = f"Token {self.token}"
        # An API call with a token is the office's client program: no browser cookies. Without a token
        # the web screens' own script calls the API with the session and its CSRF token.
        if self.cookies and not (api and self.token):
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            if method != "GET" and "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        started = time.perf_counter()
        path = quote(path, safe="/?&=:%+,;")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, dict(response.getheaders()), response.read())
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    pair = value.split(";", 1)[0]
                    cookie, _, content = pair.partition("=")
                    self.cookies[cookie.strip()] = content.strip()
        except (OSError, http.client.HTTPException) as error:
            answer = Answer(599, {}, str(error).encode())  # no answer at all: counted with the 5xx
        finally:
            connection.close()
        ms = (time.perf_counter() - started) * 1000
        self.tally.add(kind, ms, answer.status, answer.status in expect, f"{method} {path} {answer.text[:300]!r}")
        return answer

    def sign_in_web(self, username: str, password: str, secret_for) -> None:
        """The sign-in form, then the second step where the role has one: enrolment the first time
        (the key shown on the page goes into the 'authenticator'), a current code after that."""
        page = self.request("sign-in: form", "GET", "/accounts/login/")
        token = CSRF_INPUT.search(page.text).group(1)
        form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        answer = self.request("sign-in: post", "POST", "/accounts/login/", form=form, expect=(302,))
        if answer.status != 302:
            raise RuntimeError(f"{username}: sign-in answered {answer.status}")
        step = self.request("sign-in: workbench", "GET", "/workbench/", expect=(200, 302))
        if step.status == 302 and "/accounts/two-factor/" in step.headers.get("Location", ""):
            self.second_step(username, secret_for)

    def second_step(self, username: str, secret_for) -> None:
        page = self.request("sign-in: two-factor form", "GET", "/accounts/two-factor/")
        secret = (SECRET_SPAN.search(page.text) or [None, None])[1] or secret_for(username)
        for _attempt in range(3):
            token = CSRF_INPUT.search(page.text).group(1)
            answer = self.request(
                "sign-in: two-factor post",
                "POST",
                "/accounts/two-factor/",
                form={"csrfmiddlewaretoken": token, "code": totp(secret)},
                expect=(200, 302),
            )
            if answer.status in (200, 302):
                return
            # A code already used in this 30 s step (django-otp refuses it again): wait for the next.
            time.sleep(30 - time.time() % 30 + 1)
            page = self.request("sign-in: two-factor form", "GET", "/accounts/two-factor/")
        raise RuntimeError(f"{username}: the second step failed")

    def sign_in_api(self, username: str, password: str, secret: str | None) -> None:
        """POST /api/v1/auth/token/ (with the authenticator's code for the roles with a second step);
        the sign-in throttle's 429 is waited out as a client library would."""
        for _attempt in range(10):
            body = {"username": username, "password": password}
            if secret:
                body["otp"] = totp(secret)
            answer = self.request("api: token", "POST", "/api/v1/auth/token/", body=body, expect=(200, 429), api=True)
            if answer.status == 200:
                self.token = answer.json()["token"]
                return
            if answer.status == 400 and secret and "otp" in answer.text:
                time.sleep(30 - time.time() % 30 + 1)  # the code of this step was used already
            else:
                time.sleep(float(answer.headers.get("Retry-After", 5)))
        raise RuntimeError(f"{username}: no API token")


def _multipart(files: dict) -> tuple[bytes, str]:
    """{field: str | (filename, bytes, content type)} as multipart/form-data."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in files.items():
        if isinstance(value, tuple):
            filename, content, content_type = value
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        else:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
