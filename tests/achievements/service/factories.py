"""Service-library test data: achievements already in the service library, and a test client
that runs the on-commit work (Celery tasks, notifications) of each request as it would run."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import factory
from django.test import Client, TestCase
from django.utils import timezone

from achievements.choices import AchievementStatus, EscalationTier, RouteStatus, ServiceRoute
from achievements.models import Assignment, Escalation, FollowUp, FollowUpFlag, IndustryLeader
from towns.choices import Role

from ...factories import AchievementFactory, UserFactory, industry


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


# --- Rows written straight to the tables (the services check what they would refuse) -------------


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A current responsible person of a service case, since the case entered the library."""

    class Meta:
        model = Assignment

    achievement = factory.LazyFunction(service_case)
    assignee = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF)
    assigned_by = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF)
    started_at = factory.LazyAttribute(lambda o: o.achievement.service_entered_at)


class FollowUpFactory(factory.django.DjangoModelFactory):
    """A monthly follow-up (of the month of `followed_on`, today by default)."""

    class Meta:
        model = FollowUp

    achievement = factory.LazyFunction(service_case)
    followed_on = factory.LazyFunction(timezone.localdate)
    period = factory.LazyAttribute(lambda o: o.followed_on.replace(day=1))
    progress = "对接中"
    next_step = "继续"
    route_status = RouteStatus.MATCHING
    recorded_by = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF)


class FollowUpFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpFlag

    achievement = factory.LazyFunction(service_case)
    period = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    responsible = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF)


class IndustryLeaderFactory(factory.django.DjangoModelFactory):
    """The city leader in charge of an industry (S05 by default)."""

    class Meta:
        model = IndustryLeader

    industry = factory.LazyFunction(lambda: industry("S05"))
    leader = factory.SubFactory(UserFactory, role=Role.LEADER)


class EscalationFactory(factory.django.DjangoModelFactory):
    """An open escalation of a ≥ 5亿元 case to a city leader; `recipients=[user, …]`."""

    class Meta:
        model = Escalation
        skip_postgeneration_save = True

    achievement = factory.LazyFunction(service_case)
    tier = EscalationTier.CITY_LEADER
    expected_contribution = Decimal(600_000_000)
    last_progress_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))

    @factory.post_generation
    def recipients(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.recipients.set(extracted)
