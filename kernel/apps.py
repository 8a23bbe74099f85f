from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    """Platform code every app uses (cache, audit, Excel, lists, parsing, uploads, hardening,
    transitions …); it imports no portal app."""

    default = True
    name = "kernel"
    verbose_name = _("平台内核")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .cache import install_row_scopes, install_write_watch
        from .hardening import install_input_cleaning
        from .wording import install_choice_labels

        connection_created.connect(install_write_watch, dispatch_uid="towns.write_watch")
        install_row_scopes()
        install_choice_labels()
        install_input_cleaning()


class AxesConfig(AxesAppConfig):
    """django-axes under a name in the admin's language (its own models are worded through
    locale/zh_Hans, as axes ships no Chinese catalogue)."""

    name = "axes"
    label = "axes"
    verbose_name = _("登录保护")
