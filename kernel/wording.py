"""Small pieces of wording that differ by language (the reader's, from the active translation)."""

import calendar

from django.utils.functional import lazy
from django.utils.translation import get_language, gettext


def list_separator() -> str:
    """甲、乙 in Chinese; A, B in English."""
    return ", " if (get_language() or "").startswith("en") else "、"


def join_names(values) -> str:
    return list_separator().join(str(v) for v in values if v not in (None, ""))


def year_label(year) -> str:
    """2026 → “2026年” in Chinese, “2026” in English."""
    return gettext("%(year)s年") % {"year": year}


def _interpolate(message, values) -> str:
    return str(message) % values


_lazy_interpolate = lazy(_interpolate, str)


def lazy_format(message, **values):
    """A lazily translated message with %(name)s values, read in the reader's language (help
    texts of form fields are built once, at import, before any request chooses a language)."""
    return _lazy_interpolate(message, values)


def clause_separator() -> str:
    """Clauses of one message: 甲；乙 in Chinese; A; B in English."""
    return "; " if (get_language() or "").startswith("en") else "；"


def with_note(text, note) -> str:
    """“name（note）” in Chinese, “name (note)” in English."""
    return gettext("%(text)s（%(note)s）") % {"text": text, "note": note}


def month_label(month: int) -> str:
    """3 → “3月” in Chinese, “Mar” in English (chart axes)."""
    if (get_language() or "").startswith("en"):
        return calendar.month_abbr[month]
    return f"{month}月"
