"""Periodic jobs of the service library (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.utils.dateparse import parse_date

from ..services.service import escalations_refresh, follow_ups_flag_missing


@shared_task
def task_flag_missing_follow_ups(*, today: str | None = None) -> int:
    """1st of the month: flag cases without a follow-up for the month before."""
    return len(follow_ups_flag_missing(today=parse_date(today) if today else None))


@shared_task
def task_escalate_stalled_cases(*, today: str | None = None) -> int:
    """Daily: cases without progress for the configured days go on their tier's list."""
    return len(escalations_refresh(today=parse_date(today) if today else None))
