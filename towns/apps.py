from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class TownsConfig(AppConfig):
    default = True
    name = "towns"
    verbose_name = _("组织与人员")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import signals  # noqa: F401
        from .cache import install_write_watch
        from .hardening import install_input_cleaning

        connection_created.connect(install_write_watch, dispatch_uid="towns.write_watch")
        install_input_cleaning()


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin, in Chinese, for admins only."""

    default = False
    default_site = "towns.admin_site.PortalAdminSite"
