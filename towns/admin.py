from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Division,
    Enterprise,
    Industry,
    Notification,
    OutboxMessage,
    PolicyValue,
    Unit,
    User,
    WebhookChannel,
    WebhookDelivery,
)


@admin.register(Division)
class DivisionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "short_name", "kind", "area"]
    list_filter = ["kind", "area"]
    search_fields = ["code", "name", "short_name", "slug"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "short_name", "kind", "division", "default_discovery_target"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["division"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "sort_order"]
    list_filter = ["category"]


@admin.register(PolicyValue)
class PolicyValueAdmin(SimpleHistoryAdmin):
    list_display = ["key", "year", "value", "description"]
    list_filter = ["year"]
    search_fields = ["key", "description"]


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "division", "status", "created_at"]
    list_filter = ["status", "division"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["division"]


@admin.register(User)
class PortalUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "name", "role", "unit", "enterprise", "is_active"]
    list_filter = ["role", "is_active", "unit__kind"]
    search_fields = ["username", "name", "email", "phone"]
    list_select_related = ["unit", "enterprise"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("平台角色"), {"fields": ["name", "role", "unit", "enterprise", "phone", "title"]}),
        (_("通知"), {"fields": ["daily_digest"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (_("平台角色"), {"fields": ["name", "role", "unit", "enterprise"]}),
    ]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient"]


class WebhookDeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ["notification", "created_at", "claimed_at", "sent_at", "attempts", "last_error"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    ordering = ["-pk"]
    verbose_name_plural = _("推送记录")
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("notification")


@admin.register(WebhookChannel)
class WebhookChannelAdmin(SimpleHistoryAdmin):
    """A unit's 企业微信 / 钉钉 group robot: its people's notifications are posted there too."""

    list_display = ["name", "unit", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "unit__name", "unit__short_name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    inlines = [WebhookDeliveryInline]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Queued background work; pending rows are published by the relay every minute."""

    list_display = ["id", "task", "created_at", "sent_at", "attempts"]
    list_filter = ["task", ("sent_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["task", "kwargs", "created_at", "sent_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False


# knox registers a bare admin showing the digests; this one lists whose token it is and until
# when it is valid. Tokens cannot be made or edited here; deleting one revokes it.
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created", "expiry", "is_valid"]
    list_filter = ["user__role"]
    search_fields = ["user__username", "user__name"]
    list_select_related = ["user"]
    fields = ["user", "created", "expiry"]
    readonly_fields = fields
    ordering = ["-created"]

    @admin.display(description=_("有效"), boolean=True)
    def is_valid(self, token):
        return token.expiry is None or token.expiry > timezone.now()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
