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
from .discovery import (
    AchievementAttachment,
    AchievementCredit,
    AchievementFeedback,
    AchievementImport,
    AttachmentKind,
)
from .events import EventOutcome, EventRegistration, MatchmakingEvent
from .landing import Landing, LandingEvidence, LandingEvidenceQuerySet, LandingQuerySet
from .service import (
    Assignment,
    Escalation,
    EscalationInstruction,
    EscalationSettings,
    FollowUp,
    FollowUpFlag,
    IndustryLeader,
    Milestone,
    MilestoneTemplate,
    MilestoneTemplateStep,
)
from .showcase import ExternalAchievement, ShowcaseEntry

__all__ = [
    "Achievement",
    "AchievementAttachment",
    "AchievementCredit",
    "AchievementFeedback",
    "AchievementImport",
    "AchievementQuerySet",
    "AchievementTransition",
    "Assignment",
    "AttachmentKind",
    "ContactExchange",
    "Demand",
    "DemandTransition",
    "Escalation",
    "EscalationInstruction",
    "EscalationSettings",
    "EventOutcome",
    "EventRegistration",
    "ExternalAchievement",
    "FollowUp",
    "FollowUpFlag",
    "IndustryLeader",
    "Inquiry",
    "Match",
    "MatchDocument",
    "MatchPosting",
    "MatchTerm",
    "MatchmakingEvent",
    "Landing",
    "LandingEvidence",
    "LandingEvidenceQuerySet",
    "LandingQuerySet",
    "Milestone",
    "MilestoneTemplate",
    "MilestoneTemplateStep",
    "ShowcaseEntry",
    "SynonymGroup",
]
