# One module per part of the achievement's life; import every model here.
from .achievement import Achievement, AchievementQuerySet, AchievementTransition

__all__ = ["Achievement", "AchievementQuerySet", "AchievementTransition"]
