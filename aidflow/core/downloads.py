"""Files handed to a browser: always as an attachment, never sniffed, never cached by shared caches."""

from urllib.parse import quote

from django.http import FileResponse, HttpResponse


def attachment(file, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_bytes(data: bytes, *, filename: str, content_type: str, inline: bool = False) -> HttpResponse:
    """Generated content (a slip rendered on request) handed over the same way."""
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
