"""Service-library test data: achievements already in the service library, and a test client
that runs the on-commit work (Celery tasks, notifications) of each request as it would run."""

from datetime import datetime, time

from django.test import Client, TestCase
from django.utils import timezone

from achievements.choices import AchievementStatus, ServiceRoute

from ...factories import AchievementFactory


class CommitClient(Client):
    """After each request, run what the view queued with `transaction.on_commit`."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


def aware(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def service_case(*, entered_on=None, route=ServiceRoute.EVALUATION, **kwargs):
    """An achievement in the service library since `entered_on` (today by default)."""
    entered_on = entered_on or timezone.localdate()
    return AchievementFactory(
        status=AchievementStatus.SERVICE,
        service_route=route,
        service_entered_at=aware(entered_on),
        **kwargs,
    )
