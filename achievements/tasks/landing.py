"""The landing check: after every change of evidence, and nightly for every open landing."""

from celery import shared_task
from django.utils.dateparse import parse_date

from ..services.landing import landing_check, landing_check_all


@shared_task
def task_landing_check(*, achievement_id: int) -> str:
    """Evaluate one achievement's evidence; returns the landing state ('' without evidence)."""
    landing = landing_check(achievement_id=achievement_id)
    return landing.state if landing else ""


@shared_task
def task_check_open_landings(*, today: str | None = None) -> int:
    """Nightly: re-check every landing not yet verified (thresholds may change by year)."""
    return landing_check_all(today=parse_date(today) if today else None)
