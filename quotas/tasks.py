"""Scheduled reports (CELERY_BEAT_SCHEDULE): each run makes every report whose period has ended
and that is missing, so a run the worker missed is made when it returns."""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.utils.dateparse import parse_date

from .choices import ReportKind
from .services import reports_catch_up

logger = logging.getLogger(__name__)


@shared_task
def task_biweekly_reports(*, today: str | None = None) -> int:
    """Every Monday 09:00: the fortnight's report on report Mondays (anchor + 14k), plus any
    missed one. On the other Mondays nothing is missing and nothing is made."""
    return len(
        reports_catch_up(kind=ReportKind.BIWEEKLY, today=parse_date(today) if today else None)
    )


@shared_task
def task_quarterly_reports(*, today: str | None = None) -> int:
    """The 1st of each quarter: the quarter's report for the city government, plus any missed."""
    return len(
        reports_catch_up(kind=ReportKind.QUARTERLY, today=parse_date(today) if today else None)
    )


@worker_ready.connect
def _catch_up_when_the_worker_starts(sender=None, **kwargs) -> None:
    """A worker that was down at the scheduled time makes the missed reports when it returns."""
    task_biweekly_reports.delay()
    task_quarterly_reports.delay()
