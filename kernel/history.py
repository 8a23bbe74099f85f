"""A record's history for the people who may read the record (staff, leaders, admins).

Apps describe, in a hook module `<app>/history.py` (`KINDS`, `LIST_CHOICES`), the kinds of
record whose page links to its history: the
scoped queryset that decides who may read it (the record's own `visible_to`, so a record outside
the reader's scope is a 404 here as on its page), its page, and the fields masked for readers
who may not see them (contacts). The trail itself is `kernel.audit.audit_page`, read for one
record and shown as an official reads it: choice labels, names, 万元 amounts, dates.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.db import models

from kernel.hooks import portal_modules


@dataclass(frozen=True)
class HistoryKind:
    slug: str
    model: type[models.Model]
    # user -> the records that user may read (the record's `visible_to`).
    readable: Callable
    # record -> the record's own page.
    page_url: Callable
    # (user, record) -> names of the fields shown as *** to that user.
    masked: Callable = field(default=lambda user, record: frozenset())


@cache
def _kinds() -> dict[str, HistoryKind]:
    return {
        kind.slug: kind
        for module in portal_modules("history")
        for kind in getattr(module, "KINDS", ())
    }


def history_kind(slug: str) -> HistoryKind | None:
    return _kinds().get(slug)


@cache
def list_choices() -> dict[tuple[str, str], type[models.TextChoices]]:
    """(model label lower, field name) -> the TextChoices of a JSON list of codes, so that the
    trail reads 发明专利、实用新型 instead of ['invention_patent', 'utility_model']."""
    return {
        (model._meta.label_lower, name): choices
        for module in portal_modules("history")
        for (model, name), choices in getattr(module, "LIST_CHOICES", {}).items()
    }
