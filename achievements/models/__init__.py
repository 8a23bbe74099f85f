# One module per part of the achievement's life; import every model here.
from .achievement import Achievement, AchievementQuerySet, AchievementTransition
from .demands import (
    ContactExchange,
    Demand,
    DemandTransition,
    Inquiry,
    Match,
    MatchDocument,
    MatchPosting,
    MatchTerm,
    SynonymGroup,
)
from .events import EventOutcome, EventRegistration, MatchmakingEvent
from .showcase import ExternalAchievement, ShowcaseEntry

__all__ = [
    "Achievement",
    "AchievementQuerySet",
    "AchievementTransition",
    "ContactExchange",
    "Demand",
    "DemandTransition",
    "EventOutcome",
    "EventRegistration",
    "ExternalAchievement",
    "Inquiry",
    "Match",
    "MatchDocument",
    "MatchPosting",
    "MatchTerm",
    "MatchmakingEvent",
    "ShowcaseEntry",
    "SynonymGroup",
]
