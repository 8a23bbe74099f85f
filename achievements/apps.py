from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "achievements"
    verbose_name = _("科技成果")

    def ready(self):
        from kernel.cache import scope_rows, uncounted_columns

        from . import models, receivers  # noqa: F401
        from .models.achievement import TEXT_FIELDS

        # Whose rows each write touches, for the pages of one record or one demand
        # (`cached_page(scope=…)`): an edited record ends its own page, not every record's.
        scope_rows(models.Achievement, "achievement", "pk", "merged_into")
        scope_rows(models.Achievement.history.model, "achievement", "id")
        scope_rows(models.AchievementAttachment, "achievement", "achievement")
        scope_rows(models.AchievementFeedback, "achievement", "achievement")
        scope_rows(models.AchievementCredit, "achievement", "achievement", "merged_from")
        scope_rows(models.AchievementTransition, "achievement", "achievement")
        scope_rows(models.Demand, "demand", "pk")
        scope_rows(models.Demand.history.model, "demand", "id")
        scope_rows(models.Match, "demand", "demand")
        # What no counted figure reads (the dashboard counts by status, dates, unit, field):
        # editing a record's text leaves the city figures (`cached_over_data(counting=…)`).
        uncounted_columns(models.Achievement, *sorted(TEXT_FIELDS))
