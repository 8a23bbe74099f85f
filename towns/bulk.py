"""Bulk actions: ticked rows, one confirm, each row through the same service as one click.

Each row runs in its own transaction, so a row that cannot move (answered meanwhile, in another
state, deleted) stays as it was and says why, and the others are done."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kernel.wording import clause_separator


@dataclass
class BulkOutcome:
    """What became of one row of a bulk action: done, or refused and why."""

    row: object
    ok: bool
    message: str = ""


def bulk_apply(rows: Iterable, action: Callable) -> list[BulkOutcome]:
    outcomes = []
    for row in rows:
        try:
            with transaction.atomic():
                action(row)
        except (ValidationError, PermissionDenied) as error:
            text = clause_separator().join(getattr(error, "messages", None) or [str(error)])
            outcomes.append(BulkOutcome(row, False, text))
        else:
            outcomes.append(BulkOutcome(row, True))
    return outcomes


def bulk_report(request, outcomes: list[BulkOutcome], *, label: Callable, done: Callable) -> int:
    """One message per refused row (its name and why), one for the rows done (`done(count)`);
    returns how many were done."""
    count = 0
    for outcome in outcomes:
        if outcome.ok:
            count += 1
        else:
            messages.error(request, f"{label(outcome.row)}：{outcome.message}")
    if count:
        messages.success(request, done(count))
    return count
