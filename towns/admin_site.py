from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .choices import Role


class PortalAdminSite(admin.AdminSite):
    site_header = _("东莞科技成果转化平台 · 系统管理")
    site_title = _("系统管理")
    index_title = _("数据维护")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and user.role == Role.ADMIN)
