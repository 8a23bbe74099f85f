"""Factories of the demand window, showcase and events (public services do the real work)."""

from datetime import timedelta

import factory
from django.utils import timezone

from achievements.choices import DemandKind
from achievements.models import (
    Demand,
    EventRegistration,
    ExternalAchievement,
    Inquiry,
    Match,
    MatchmakingEvent,
    SynonymGroup,
)
from towns.choices import EnterpriseStatus, Role

from ...factories import AchievementFactory, EnterpriseFactory, UserFactory, division, industry


def enterprise_account(username: str, *, status=EnterpriseStatus.APPROVED, **enterprise):
    """An enterprise and the user who signs in for it."""
    company = EnterpriseFactory(status=status, **enterprise)
    return UserFactory(
        username=username, role=Role.ENTERPRISE, enterprise=company, name=f"{username}联系人"
    )


class DemandFactory(factory.django.DjangoModelFactory):
    """A demand written straight to the table (no matching); tests of matching use the pages."""

    class Meta:
        model = Demand

    enterprise = factory.LazyAttribute(lambda o: o.created_by.enterprise)
    created_by = factory.Sequence(lambda n: enterprise_account(f"demand_owner{n}"))
    kind = DemandKind.TECHNOLOGY
    title = factory.Sequence(lambda n: f"注塑件表面缩痕问题{n}")
    description = "我们厂的注塑件表面老是凹下去一块，良品率上不去。"
    field = factory.LazyFunction(lambda: industry("T08"))
    division = factory.LazyFunction(lambda: division("441900119"))
    contact_name = "赵经理"
    contact_phone = "0769-22881234"


class MatchFactory(factory.django.DjangoModelFactory):
    """A computed match of an achievement to a demand, awaiting review."""

    class Meta:
        model = Match

    demand = factory.SubFactory(DemandFactory)
    achievement = factory.SubFactory(AchievementFactory)
    score = 0.9
    computed_at = factory.LazyFunction(timezone.now)


class SynonymGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SynonymGroup

    name = factory.Sequence(lambda n: f"概念{n}")
    terms = factory.Sequence(lambda n: f"词{n}、术语{n}")


class ExternalAchievementFactory(factory.django.DjangoModelFactory):
    """An achievement of another region, imported into the showcase."""

    class Meta:
        model = ExternalAchievement

    title = factory.Sequence(lambda n: f"外地成果{n}")
    summary = "简介"
    field = factory.LazyFunction(lambda: industry("S04"))
    holder = factory.Sequence(lambda n: f"某大学{n}")
    imported_by = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF)


class InquiryFactory(factory.django.DjangoModelFactory):
    """An enterprise's open inquiry about an achievement of the showcase."""

    class Meta:
        model = Inquiry

    created_by = factory.Sequence(lambda n: enterprise_account(f"inquirer{n}"))
    enterprise = factory.LazyAttribute(lambda o: o.created_by.enterprise)
    achievement = factory.SubFactory(AchievementFactory)
    title = factory.LazyAttribute(lambda o: o.achievement.title)
    contact_name = "赵经理"
    contact_phone = "13800138000"


class MatchmakingEventFactory(factory.django.DjangoModelFactory):
    """A planned matchmaking event in a month's time (written straight to the table)."""

    class Meta:
        model = MatchmakingEvent

    title = factory.Sequence(lambda n: f"成果转化对接会{n}")
    held_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    place = "松山湖国际创新创业社区"
    organizer = "东莞市科学技术局"
    created_by = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF)


class EventRegistrationFactory(factory.django.DjangoModelFactory):
    """An enterprise registered for an event by its user."""

    class Meta:
        model = EventRegistration

    event = factory.SubFactory(MatchmakingEventFactory)
    registered_by = factory.Sequence(lambda n: enterprise_account(f"attendee{n}"))
    enterprise = factory.LazyAttribute(lambda o: o.registered_by.enterprise)
    attendee_name = "赵经理"
    attendee_phone = "13800138000"
