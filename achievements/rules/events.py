"""Who may do what with matchmaking events (django-rules)."""

import rules

from towns.rules import is_back_office, is_enterprise

from ..choices import EventStatus
from .demands import is_approved_enterprise


@rules.predicate
def event_is_planned(user, event) -> bool:
    return event is not None and event.status == EventStatus.PLANNED


@rules.predicate
def event_is_held(user, event) -> bool:
    return event is not None and event.status == EventStatus.HELD


rules.add_perm("achievements.view_events", rules.is_authenticated)
rules.add_perm("achievements.manage_events", is_back_office)
rules.add_perm("achievements.record_event_outcome", is_back_office & event_is_held)
rules.add_perm(
    "achievements.register_event", is_enterprise & is_approved_enterprise & event_is_planned
)
