from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestorsConfig(AppConfig):
    name = "investors"
    verbose_name = _("创投对接")
