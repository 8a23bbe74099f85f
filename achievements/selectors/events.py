"""Reads of matchmaking events."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from towns.models import User

from ..choices import EventOutcomeKind
from ..models import EventOutcome, EventRegistration, MatchmakingEvent


def events_held_count(year: int) -> int:
    """Matchmaking events held in a year: what the leaders' dashboard sets against the city's
    yearly target (city_targets.csv, metric `matchmaking_events`)."""
    return MatchmakingEvent.objects.held_in(year).count()


def events_for(user: User) -> QuerySet[MatchmakingEvent]:
    return (
        MatchmakingEvent.objects.visible_to(user)
        .select_related("division")
        .prefetch_related("fields")
        .annotate(
            registration_count=Count("registrations", distinct=True),
            intention_count=Count(
                "outcomes",
                filter=Q(outcomes__kind=EventOutcomeKind.INTENTION),
                distinct=True,
            ),
            contract_count=Count(
                "outcomes", filter=Q(outcomes__kind=EventOutcomeKind.CONTRACT), distinct=True
            ),
        )
    )


def event_registrations(event: MatchmakingEvent, user: User) -> QuerySet[EventRegistration]:
    """Staff and leaders see every registration; an enterprise only its own."""
    registrations = event.registrations.select_related("enterprise", "registered_by")
    if user.reads_everything:
        return registrations
    return registrations.filter(enterprise_id=user.enterprise_id or 0)


def event_outcomes(event: MatchmakingEvent) -> QuerySet[EventOutcome]:
    return event.outcomes.select_related("achievement", "enterprise", "recorded_by")


def event_contract_amount(event: MatchmakingEvent) -> Decimal | None:
    return event.outcomes.filter(kind=EventOutcomeKind.CONTRACT).aggregate(total=Sum("amount"))[
        "total"
    ]
