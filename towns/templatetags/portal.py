from django import template
from django.utils.http import urlencode

from kernel import wording
from kernel.money import format_wan, format_yuan

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination and sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return urlencode(sorted(params.lists()), doseq=True)


@register.filter
def yuan(value) -> str:
    return format_yuan(value)


@register.filter
def wan(value) -> str:
    return format_wan(value)


@register.filter
def percent(part, whole) -> int:
    """Progress as a whole percentage, capped at 100 for progress bars."""
    try:
        return min(100, round(100 * float(part) / float(whole))) if whole else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def year_label(year) -> str:
    """2026 → “2026年” in Chinese, “2026” in English (year pickers and year columns)."""
    return wording.year_label(year)


@register.filter
def join_list(values) -> str:
    """Names listed the way the reader's language lists them: 甲、乙 / A, B."""
    return wording.join_names(values)
