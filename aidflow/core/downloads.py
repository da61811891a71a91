"""Files handed to a browser: always as an attachment, never sniffed, never cached by shared caches."""

from django.http import FileResponse


def attachment(file, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
