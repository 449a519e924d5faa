"""A JSON parser that answers 400, not 500, to hostile nesting (docs/security.md: deep nesting)."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """DRF's JSONParser turns ValueError into a 400 but lets RecursionError (``[[[[…`` nested
    ~1000 deep) escape as a server error; NaN and Infinity are already refused (strict)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from exc
