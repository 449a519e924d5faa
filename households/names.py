"""Pinyin initials of Chinese names, for search (张三 → zs)."""

from pypinyin import Style, lazy_pinyin

# pypinyin reads these surnames with their common reading; as surnames they read otherwise.
_SURNAME_INITIALS = {"曾": "z", "单": "s", "仇": "q", "解": "x", "区": "o", "查": "z", "朴": "p", "盖": "g", "尉": "y"}


def name_initials(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    first = _SURNAME_INITIALS.get(name[0])
    rest = name[1:] if first else name
    letters = lazy_pinyin(rest, style=Style.FIRST_LETTER, errors="ignore")
    return ((first or "") + "".join(letters)).lower()
