"""The page side of `kernel.tables`: `{{ column|cell:row }}` is what the export writes, as text."""

from django import template

register = template.Library()


@register.filter
def cell(column, row) -> str:
    return column.html(row)
