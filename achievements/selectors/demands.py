"""Reads of the demand window, scoped to the user through `visible_to`."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from towns.models import User

from ..choices import MatchStatus
from ..models import Demand, DemandTransition, Inquiry, Match, SynonymGroup


def demands_for(user: User) -> QuerySet[Demand]:
    """Demands a user may see, with what lists show about their matches."""
    return (
        Demand.objects.visible_to(user)
        .select_related("enterprise", "field", "division")
        .annotate(
            suggested_count=Count("matches", filter=Q(matches__status=MatchStatus.SUGGESTED)),
            proposed_count=Count("matches", filter=Q(matches__status=MatchStatus.PROPOSED)),
            accepted_count=Count("matches", filter=Q(matches__status=MatchStatus.ACCEPTED)),
        )
    )


def demand_matches(demand: Demand, user: User) -> QuerySet[Match]:
    """The matches of one demand the user may see, best first."""
    return (
        Match.objects.visible_to(user)
        .filter(demand=demand)
        .select_related(
            "achievement__field",
            "achievement__landing_division",
            "achievement__discovering_unit",
            "reviewed_by",
            "contact_exchange",
        )
        .ranked()
    )


def synonym_groups() -> QuerySet[SynonymGroup]:
    return SynonymGroup.objects.select_related("updated_by", "industry").prefetch_related("related")


def inquiries_for(user: User) -> QuerySet[Inquiry]:
    return Inquiry.objects.visible_to(user).select_related(
        "enterprise", "achievement__showcase_entry", "external__showcase_entry", "handled_by"
    )


def demand_with_history(demand_id: int, user: User) -> Demand:
    """One visible demand with its status log (a 404 for anyone else)."""
    from django.shortcuts import get_object_or_404

    queryset = Demand.objects.visible_to(user).select_related(
        "enterprise", "field", "division", "created_by", "followed_by"
    )
    return get_object_or_404(
        queryset.prefetch_related(
            Prefetch("transitions", to_attr="transition_log", queryset=_transitions())
        ),
        pk=demand_id,
    )


def _transitions() -> QuerySet[DemandTransition]:
    return DemandTransition.objects.select_related("actor")


def enterprise_overview(user: User) -> dict[str, Any]:
    """What an enterprise user's home page shows: demands, proposals to answer, events."""
    from django.utils import timezone

    from ..choices import DemandStatus, EventStatus
    from ..models import MatchmakingEvent

    demands = Demand.objects.visible_to(user)
    counts = demands.aggregate(
        open=Count("pk", filter=Q(status=DemandStatus.OPEN)),
        matched=Count("pk", filter=Q(status=DemandStatus.MATCHED)),
        closed=Count("pk", filter=Q(status=DemandStatus.CLOSED)),
    )
    proposals = Match.objects.visible_to(user).filter(status=MatchStatus.PROPOSED)
    events = (
        MatchmakingEvent.objects.visible_to(user)
        .filter(status=EventStatus.PLANNED, held_on__gte=timezone.localdate())
        .annotate(
            mine=Count("registrations", filter=Q(registrations__enterprise_id=user.enterprise_id))
        )
        .order_by("held_on", "pk")[:3]
    )
    return {
        "demand_counts": counts,
        "proposal_count": proposals.count(),
        "proposals": list(proposals.select_related("demand", "achievement").ranked()[:5]),
        "recent_demands": list(demands.select_related("field").order_by("-created_at")[:5]),
        "upcoming_events": list(events),
        "open_inquiries": Inquiry.objects.visible_to(user).exclude(status="closed").count(),
    }
