"""Files chosen on a form that came back with an error, kept so they need not be chosen again.

A browser never sends a chosen file twice. When the filing form is sent back with an error, each
file that passed the content check is stored under MEDIA_ROOT/tmp/uploads/ with a random name, and
the page carries a signed token (the user, the stored name, the file's name, size and SHA-256) in a
hidden field. The next submit reads the file back only for the same user, within an hour, and only
when its content still has that SHA-256; the filing service then checks it by content again like
any upload. A kept file is deleted once the application is filed, and every kept file older than
an hour is deleted whenever another is kept.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from aidflow.cases.choices import DocumentKind
from aidflow.cases.services.documents import UploadedDocument, documents_check
from aidflow.core.errors import InputErrors
from aidflow.core.fields import FieldReader

FOLDER = "tmp/uploads"
SALT = "aidflow.cases.kept-upload"
KEEP_SECONDS = 3600
# The stored name starts with the time it was kept, so the sweep measures a file's age by the same
# clock that kept it (a file's mtime is the file system's clock, which need not be the process's).
STORED_NAME = re.compile(r"^(?P<kept>[0-9]{1,12})-[0-9a-f]{32}$")


@dataclass(frozen=True)
class KeptFile:
    """A kept file as the form shows it: its name and size; `token` goes into the hidden field."""

    token: str
    name: str
    size: int


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def kept_sweep(now: float | None = None) -> int:
    """Delete the kept files older than KEEP_SECONDS; returns how many went."""
    now = time.time() if now is None else now
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        path = f"{FOLDER}/{name}"
        match = STORED_NAME.match(name)
        try:
            kept_at = int(match["kept"]) if match else default_storage.get_modified_time(path).timestamp()
        except FileNotFoundError:
            continue
        if now - kept_at > KEEP_SECONDS:
            default_storage.delete(path)
            removed += 1
    return removed


def upload_keep(*, user, upload) -> KeptFile:
    """Store an upload for this user's next submit; returns what the form carries. The caller has
    checked the file (uploads_keep)."""
    kept_sweep()
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    stored = f"{int(time.time())}-{secrets.token_hex(16)}"
    default_storage.save(f"{FOLDER}/{stored}", ContentFile(content))
    name = (getattr(upload, "name", "") or "upload")[:200]
    token = signing.dumps(
        {"user": user.pk, "stored": stored, "name": name, "size": len(content), "sha256": _digest(content)},
        salt=SALT,
    )
    return KeptFile(token=token, name=name, size=len(content))


def _read_token(user, token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=KEEP_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != user.pk or not STORED_NAME.match(str(data.get("stored"))):
        return None
    return data


def kept_describe(*, user, token: str) -> KeptFile | None:
    """What a kept file's token says (for the form to show), or None when it is no longer valid."""
    data = _read_token(user, token) if token else None
    if data is None or not default_storage.exists(f"{FOLDER}/{data['stored']}"):
        return None
    return KeptFile(token=token, name=data["name"], size=data["size"])


def upload_kept(*, user, token: str) -> SimpleUploadedFile:
    """The file a token names, for this user, unchanged since it was kept; InputErrors("file")
    when it has expired, is another user's, or was altered."""
    data = _read_token(user, token)
    expired = InputErrors({"file": [_("The file kept from the last attempt has expired: choose it again.")]})
    if data is None:
        raise expired
    path = f"{FOLDER}/{data['stored']}"
    try:
        with default_storage.open(path, "rb") as stored:
            content = stored.read()
    except FileNotFoundError:
        raise expired from None
    if _digest(content) != data["sha256"]:
        raise expired
    return SimpleUploadedFile(data["name"], content)


def kept_discard(*, user, tokens) -> None:
    """Delete the kept files of these tokens (once they are filed, or replaced)."""
    for token in tokens:
        data = _read_token(user, token) if token else None
        if data is not None:
            default_storage.delete(f"{FOLDER}/{data['stored']}")


def uploads_keep(*, user, uploads: dict[int, UploadedDocument]) -> tuple[dict[int, KeptFile], dict[int, list[str]]]:
    """Check each upload by content as the filing would, keep the good ones: returns the kept files
    and the errors of the others, by row."""
    kept: dict[int, KeptFile] = {}
    errors: dict[int, list[str]] = {}
    for row, document in uploads.items():
        reader = FieldReader()
        # The kind is the form's to check; only the file is judged here.
        documents_check([UploadedDocument(DocumentKind.values[0], document.file)], reader)
        problems = [message for key, messages in reader.errors.items() if key.endswith(".file") for message in messages]
        if problems:
            errors[row] = problems
        else:
            kept[row] = upload_keep(user=user, upload=document.file)
    return kept, errors
