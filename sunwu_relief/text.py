"""Plain text that people type or import: which characters we refuse, and how exports stay safe.

A name with a control character breaks the xlsx writer (openpyxl refuses it); a bidi override
(U+202E) makes `张三‮` print as something else on a notice; zero-width characters make two
names that look equal compare different. We refuse them at every entry (forms, API, imports) and
strip them from whatever is already stored when we export it.

Refused: control characters (Unicode category Cc) except tab, line feed and carriage return in
multi-line text; format characters (Cf: bidi embeddings/overrides/isolates, zero-width space and
joiners, the BOM, soft hyphen …); lone surrogates (Cs). Private-use characters (Co) are allowed:
some registries encode rare name characters (生僻字) there.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MULTILINE_ALLOWED = frozenset("\t\n\r")
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
# What the xlsx format cannot hold at all (openpyxl raises IllegalCharacterError on these).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def forbidden_characters(value: str, *, multiline: bool = False) -> list[str]:
    """The refused characters of `value`, each as `U+XXXX`, in order of first appearance."""
    if value.isprintable():  # no Cc, Cf or Cs in it (nor any other "Other" or separator)
        return []
    found: list[str] = []
    for char in value:
        if multiline and char in MULTILINE_ALLOWED:
            continue
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            label = f"U+{ord(char):04X}"
            if label not in found:
                found.append(label)
    return found


def validate_plain_text(value: str, *, multiline: bool = False) -> None:
    """Raise `ValidationError` (code `forbidden_character`) when `value` holds a refused character."""
    if not isinstance(value, str):
        return
    found = forbidden_characters(value, multiline=multiline)
    if found:
        raise ValidationError(
            _("Remove the invisible or control characters (%(chars)s)."),
            code="forbidden_character",
            params={"chars": ", ".join(found)},
        )


def validate_multiline_text(value: str) -> None:
    validate_plain_text(value, multiline=True)


def text_field_errors(*, multiline: tuple[str, ...] = (), **values: object) -> dict[str, list[str]]:
    """For services: `{field: [message]}` for each text value that holds a refused character
    (the fields named in `multiline` may hold line breaks and tabs). Empty when all are clean."""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        try:
            validate_plain_text(value, multiline=name in multiline)  # type: ignore[arg-type]
        except ValidationError as exc:
            errors[name] = list(exc.messages)
    return errors


def export_safe(value: str) -> str:
    """`value` with what an export must not carry removed: xlsx-illegal control characters and
    every refused character (bidi overrides would reorder a printed roll)."""
    if not value or value.isprintable():  # the common case: nothing to remove (no Cc, Cf or Cs)
        return value
    value = _XLSX_ILLEGAL.sub("", value)
    if not forbidden_characters(value, multiline=True):
        return value
    return "".join(c for c in value if c in MULTILINE_ALLOWED or unicodedata.category(c) not in REFUSED_CATEGORIES)
