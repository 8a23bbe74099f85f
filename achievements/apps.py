from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "achievements"
    verbose_name = _("科技成果")

    def ready(self):
        from . import receivers  # noqa: F401
