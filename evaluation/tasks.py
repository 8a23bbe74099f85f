"""Celery tasks of the evaluation app: thin, idempotent, primitive arguments."""

import logging

from celery import shared_task
from django.utils.dateparse import parse_date

from .models import Batch
from .services import batch_compute_selection, fast_track_reviews_remind

logger = logging.getLogger(__name__)


@shared_task
def task_batch_select(*, batch_id: int) -> None:
    """Weighted totals, ranks and the proposed selection of a batch (same result on a re-run)."""
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None:
        logger.warning("batch %s is gone: nothing to select", batch_id)
        return
    batch_compute_selection(batch=batch)


@shared_task
def task_remind_fast_track_reviews(*, today: str | None = None) -> int:
    """Daily: remind reviewers of fast-track reviews due soon or overdue (once a day each)."""
    return fast_track_reviews_remind(today=parse_date(today) if today else None)
