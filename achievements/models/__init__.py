# One module per part of the achievement's life; import every model here.
from .achievement import Achievement, AchievementQuerySet, AchievementTransition
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
    "AchievementQuerySet",
    "AchievementTransition",
    "Assignment",
    "Escalation",
    "FollowUp",
    "FollowUpFlag",
    "IndustryLeader",
    "Milestone",
    "MilestoneTemplate",
    "MilestoneTemplateStep",
]
