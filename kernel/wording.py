"""Small pieces of wording that differ by language (the reader's, from the active translation)."""

import calendar
from decimal import Decimal
from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.functional import lazy
from django.utils.hashable import make_hashable
from django.utils.translation import get_language, gettext

from kernel.money import format_yuan


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


# --- Notes stored as a message and its values, worded in the reader's language when shown -------
#
# A computed explanation (“1,200万元 × 5% = 60万元，超过上限50万元，按上限计”) is stored as
# {"m": msgid, "p": {name: value}}, each value a number, a text, {"yuan": "…"}, {"pct": "…"} or
# another note; `render_note` translates the message and formats the amounts when it is read.


def note(message: str, **values) -> dict:
    """A message id (the Chinese text) and its values, to be stored and worded later."""
    return {"m": str(message), "p": values} if values else {"m": str(message)}


def yuan_value(amount) -> dict:
    return {"yuan": str(amount)}


def rate_value(rate) -> dict:
    return {"pct": str(rate)}


def render_note(spec):
    """The stored note in the active language; a plain text (older rows) is returned as is."""
    if isinstance(spec, dict):
        if "yuan" in spec:
            return format_yuan(Decimal(spec["yuan"]))
        if "pct" in spec:
            return f"{(Decimal(spec['pct']) * 100).normalize():f}%"
        message = gettext(spec.get("m", ""))
        values = spec.get("p")
        if not values:
            return message
        return message % {name: render_note(value) for name, value in values.items()}
    if spec is None:
        return ""
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        return spec
    return str(spec)


# --- Choice labels -------------------------------------------------------------------------------
#
# Django's `get_<field>_display()` builds a dict of the field's choices on each call, hashing
# every (lazy) label and so translating each of them: a list of twenty records with three
# choice columns translated some four hundred labels a page. The dict is built once per field;
# its labels stay lazy, so each call still answers in the reader's language.
_choice_labels: dict = {}


def _get_FIELD_display(self, field):
    value = getattr(self, field.attname)
    labels = _choice_labels.get(field)
    if labels is None:
        labels = _choice_labels[field] = dict(make_hashable(field.flatchoices))
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


def install_choice_labels() -> None:
    """Put the kept choices behind every model's `get_<field>_display` (KernelConfig.ready).
    Django binds each one to `Model._get_FIELD_display` when the model class is made, so each
    is replaced, unless the model wrote its own."""
    original = Model.__dict__["_get_FIELD_display"]
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if isinstance(method, partialmethod) and method.func is original:
                setattr(model, name, partialmethod(_get_FIELD_display, field=field))
