# One module per part of the achievement's life; import every model here.
from .achievement import Achievement, AchievementQuerySet, AchievementTransition
from .discovery import (
    AchievementAttachment,
    AchievementCredit,
    AchievementFeedback,
    AchievementImport,
    AttachmentKind,
)
from .landing import Landing, LandingEvidence, LandingEvidenceQuerySet, LandingQuerySet
from .service import (
    Assignment,
    Escalation,
    FollowUp,
    FollowUpFlag,
    IndustryLeader,
    Milestone,
    MilestoneTemplate,
    MilestoneTemplateStep,
)

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
    "Escalation",
    "FollowUp",
    "FollowUpFlag",
    "IndustryLeader",
    "Landing",
    "LandingEvidence",
    "LandingEvidenceQuerySet",
    "LandingQuerySet",
    "Milestone",
    "MilestoneTemplate",
    "MilestoneTemplateStep",
]
