from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class TownsConfig(AppConfig):
    default = True
    name = "towns"
    verbose_name = _("组织与人员")

    def ready(self):
        from . import signals  # noqa: F401


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin, in Chinese, for admins only."""

    default = False
    default_site = "towns.admin_site.PortalAdminSite"
