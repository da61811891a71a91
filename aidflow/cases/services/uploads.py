"""Uploads parsed, not sniffed: a PDF must open as a PDF and carry no JavaScript, actions or
embedded files; an image must decode, and is stored re-encoded (whatever rode along after the
image data is dropped); when a ClamAV daemon is configured (CLAMD_SOCKET), every file is scanned
and a scanner that cannot answer refuses the file."""

from __future__ import annotations

import io
import socket
import struct

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

# Names in a PDF's objects - as keys or as values (an action's /S) - that run code, open other
# files or send data.
PDF_ACTIVE = {
    "/JavaScript",
    "/JS",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/Launch",
    "/AA",
    "/OpenAction",
    "/RichMedia",
    "/URI",
    "/SubmitForm",
    "/GoToR",
    "/GoToE",
    "/ImportData",
    "/XFA",
}
MAX_PDF_OBJECTS = 200_000


class UploadRefused(Exception):
    """The file is not what it claims to be, or carries something active."""


def _walk(value, seen: set, found: set, budget: list) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    budget[0] -= 1
    if budget[0] < 0 or found:
        return
    if isinstance(value, NameObject):
        if value in PDF_ACTIVE:
            found.add(str(value))
        return
    if isinstance(value, IndirectObject):
        key = (value.idnum, value.generation)
        if key in seen:
            return
        seen.add(key)
        value = value.get_object()
    if isinstance(value, DictionaryObject):
        for name, item in value.items():
            if name in PDF_ACTIVE:
                found.add(str(name))
                return
            _walk(item, seen, found, budget)
    elif isinstance(value, ArrayObject):
        for item in value:
            _walk(item, seen, found, budget)


def pdf_check(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        # Lenient about damaged cross-reference tables (scanners write them), strict about content.
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRefused(_("Encrypted PDF files are not accepted."))
        pages = len(reader.pages)
        found: set[str] = set()
        budget = [MAX_PDF_OBJECTS]
        _walk(reader.trailer, set(), found, budget)
        if budget[0] < 0:
            raise UploadRefused(_("The PDF is too complex to check; print it to a plain PDF first."))
    except UploadRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError, MemoryError):
        raise UploadRefused(_("The file is not a readable PDF.")) from None
    if pages == 0:
        raise UploadRefused(_("The PDF has no pages."))
    if found:
        raise UploadRefused(
            _("The PDF carries scripts, actions or embedded files (%(what)s); print it to a plain PDF first.")
            % {"what": ", ".join(sorted(found))}
        )


def image_reencode(data: bytes, content_type: str) -> bytes:
    from PIL import Image, UnidentifiedImageError

    expected = {"image/jpeg": "JPEG", "image/png": "PNG"}[content_type]
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise UploadRefused(_("The image is not the type its first bytes claim."))
            if image.width * image.height > 80_000_000:
                raise UploadRefused(_("The image is too large."))
            image.load()
            out = io.BytesIO()
            keep = image.convert("RGB") if expected == "JPEG" and image.mode not in ("RGB", "L") else image
            keep.save(out, format=expected, quality=92) if expected == "JPEG" else keep.save(out, format=expected)
            return out.getvalue()
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise UploadRefused(_("The file is not a readable image.")) from None


def clamd_scan(data: bytes) -> None:
    """INSTREAM to clamd over its UNIX socket (or host:port); refuse on a finding or no answer."""
    target = getattr(settings, "CLAMD_SOCKET", "")
    if not target:
        return
    try:
        if ":" in target and not target.startswith("/"):
            host, port = target.rsplit(":", 1)
            connection = socket.create_connection((host, int(port)), timeout=30)
        else:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(30)
            connection.connect(target)
        with connection:
            connection.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), 65536):
                chunk = data[start : start + 65536]
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            answer = connection.recv(4096).decode("utf-8", "replace").strip("\0\n ")
    except OSError:
        raise UploadRefused(_("The virus scanner did not answer; try again later.")) from None
    if not answer.endswith("OK"):
        raise UploadRefused(_("The virus scanner refused the file: %(answer)s") % {"answer": answer})


def upload_inspect(upload, content_type: str):
    """The upload to store: checked by its parser (and the scanner); images re-encoded. Raises
    UploadRefused with the reason."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    clamd_scan(data)
    if content_type == "application/pdf":
        pdf_check(data)
        return upload
    encoded = image_reencode(data, content_type)
    return SimpleUploadedFile(getattr(upload, "name", "image") or "image", encoded, content_type=content_type)
