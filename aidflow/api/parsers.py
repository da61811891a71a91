"""Request bodies: JSON only (documents take multipart), and a body nested too deeply for the
parser is bad input, not a server error."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from aidflow.core.fields import CONTROL


def control_path(value, path: str = "") -> str | None:
    """The path of the first string in a parsed body holding a control character (a NUL reaches
    PostgreSQL as an error), or None."""
    if isinstance(value, str):
        return (path or "body") if CONTROL.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = control_path(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = control_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            found = control_path(data)
            if found is not None:
                raise ParseError(f"JSON parse error - {found} holds a control character.")
            return data
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
        except UnicodeError:
            raise ParseError("JSON parse error - the body is not UTF-8 text.") from None
