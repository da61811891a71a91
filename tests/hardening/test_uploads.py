"""Uploads are parsed, not sniffed: what only starts like a PDF or a PNG is refused, a PDF with
scripts is refused, images are stored re-encoded, and a configured virus scanner has the last word."""

import io
import os
import socket
import struct
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from aidflow.cases.models import Document
from tests.factories import ApplicationFactory
from tests.workflows.helpers import PDF_BYTES, PNG_BYTES, client_for

pytestmark = pytest.mark.django_db
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def upload(clerk, application, name: str, content: bytes):
    return client_for(clerk).post(
        f"/api/v1/applications/{application.pk}/documents/",
        {"kind": "other", "file": SimpleUploadedFile(name, content)},
    )


def pdf_with_launch_link() -> bytes:
    from pypdf.generic import ArrayObject

    writer, out = PdfWriter(), io.BytesIO()
    page = writer.add_blank_page(width=595, height=842)
    action = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/A"): action,
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    writer.write(out)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>"),
        ("eicar.pdf", b"%PDF-1.4\n" + EICAR),
        ("image.png", b"\x89PNG\r\n\x1a\n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"not a jpeg at all" * 10),
        ("script.pdf", pdf_with_javascript()),
        ("launch.pdf", pdf_with_launch_link()),
    ],
)
def test_a_file_that_only_looks_right_is_refused(policy, clerk, name, content):
    application = ApplicationFactory(user=clerk)
    before = Document.objects.count()
    response = upload(clerk, application, name, content)
    assert response.status_code == 400 and "file" in response.json()["errors"], response.content
    assert Document.objects.count() == before


def test_real_files_are_accepted_and_images_re_encoded(policy, clerk):
    application = ApplicationFactory(user=clerk)
    assert upload(clerk, application, "scan.pdf", PDF_BYTES).status_code == 201
    trailing = PNG_BYTES + b"<script>alert(1)</script>"
    response = upload(clerk, application, "photo.png", trailing)
    assert response.status_code == 201
    stored = Document.objects.get(pk=response.json()["id"])
    data = stored.file.read()
    assert data.startswith(b"\x89PNG") and b"<script>" not in data


def test_an_application_holds_a_limited_number_of_documents(policy, clerk, monkeypatch):
    from aidflow.cases.services import documents

    application = ApplicationFactory(user=clerk)
    monkeypatch.setattr(documents, "MAX_DOCUMENTS", application.documents.count() + 1)
    assert upload(clerk, application, "one.pdf", PDF_BYTES).status_code == 201
    refused = upload(clerk, application, "two.pdf", PDF_BYTES)
    assert refused.status_code == 400 and "file" in refused.json()["errors"]


class FakeClamd:
    """A clamd speaking INSTREAM on a UNIX socket: FOUND for the EICAR string, OK otherwise."""

    def __init__(self, path):
        self.path = path
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(5)
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                data = b""
                command = connection.recv(10)
                assert command == b"zINSTREAM\0"
                while True:
                    (size,) = struct.unpack("!L", self._exact(connection, 4))
                    if size == 0:
                        break
                    data += self._exact(connection, size)
                connection.sendall(b"stream: Eicar-Signature FOUND\0" if EICAR in data else b"stream: OK\0")

    @staticmethod
    def _exact(connection, size):
        buffer = b""
        while len(buffer) < size:
            buffer += connection.recv(size - len(buffer))
        return buffer


def test_a_configured_scanner_is_used_and_a_silent_one_refuses(policy, clerk, settings, tmp_path):
    application = ApplicationFactory(user=clerk)
    path = str(tmp_path / "clamd.sock")
    FakeClamd(path)
    settings.CLAMD_SOCKET = path
    assert upload(clerk, application, "clean.pdf", PDF_BYTES).status_code == 201
    infected = PDF_BYTES.replace(b"%%EOF", b"%" + EICAR + b"\n%%EOF")
    refused = upload(clerk, application, "infected.pdf", infected)
    assert refused.status_code == 400 and "Eicar" in str(refused.json()["errors"])
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    assert not os.path.exists(settings.CLAMD_SOCKET)
    assert upload(clerk, application, "later.pdf", PDF_BYTES).status_code == 400
