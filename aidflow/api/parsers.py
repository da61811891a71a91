"""Request bodies: JSON only (documents take multipart), and a body nested too deeply for the
parser is bad input, not a server error."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
        except UnicodeError:
            raise ParseError("JSON parse error - the body is not UTF-8 text.") from None
