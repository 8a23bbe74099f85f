from django.contrib import admin
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assignment,
    Escalation,
    EscalationInstruction,
    EscalationSettings,
    IndustryLeader,
    MilestoneTemplate,
    MilestoneTemplateStep,
)
from .services.service import escalations_route_pending


class MilestoneTemplateStepInline(admin.TabularInline):
    model = MilestoneTemplateStep
    extra = 1


@admin.register(MilestoneTemplate)
class MilestoneTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    inlines = [MilestoneTemplateStepInline]


class RoutesPendingEscalations:
    """Saving who leads an industry (or the default) reports the escalations left without one."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        routed = escalations_route_pending()
        if routed:
            self.message_user(
                request, _("已将 %(n)d 项未能报送的久推不动成果报送给分管市领导。") % {"n": routed}
            )


@admin.register(IndustryLeader)
class IndustryLeaderAdmin(RoutesPendingEscalations, admin.ModelAdmin):
    list_display = ["industry", "leader"]
    list_select_related = ["industry", "leader"]
    autocomplete_fields = ["leader"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Read-only: assignments change only through the case page (history is kept)."""

    list_display = ["achievement", "assignee", "started_at", "ended_at", "assigned_by"]
    list_select_related = ["achievement", "assignee", "assigned_by"]
    search_fields = ["achievement__title", "assignee__name", "assignee__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EscalationSettings)
class EscalationSettingsAdmin(RoutesPendingEscalations, SimpleHistoryAdmin):
    """One row: the default 分管市领导 for industries without one of their own."""

    list_display = ["__str__", "default_city_leader"]
    list_select_related = ["default_city_leader"]
    autocomplete_fields = ["default_city_leader"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not EscalationSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class EscalationInstructionInline(admin.TabularInline):
    model = EscalationInstruction
    fields = ["created_at", "author", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Escalation)
class EscalationAdmin(SimpleHistoryAdmin):
    list_display = [
        "achievement",
        "tier",
        "unrouted",
        "last_progress_on",
        "escalated_at",
        "resolved_at",
        "outcome",
    ]
    list_filter = ["tier", "unrouted", "outcome"]
    inlines = [EscalationInstructionInline]
    list_select_related = ["achievement"]
    search_fields = ["achievement__title"]

    def has_add_permission(self, request):
        return False
