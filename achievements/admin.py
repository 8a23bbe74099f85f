from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assignment, Escalation, IndustryLeader, MilestoneTemplate, MilestoneTemplateStep


class MilestoneTemplateStepInline(admin.TabularInline):
    model = MilestoneTemplateStep
    extra = 1


@admin.register(MilestoneTemplate)
class MilestoneTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    inlines = [MilestoneTemplateStepInline]


@admin.register(IndustryLeader)
class IndustryLeaderAdmin(admin.ModelAdmin):
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


@admin.register(Escalation)
class EscalationAdmin(SimpleHistoryAdmin):
    list_display = ["achievement", "tier", "last_progress_on", "escalated_at", "resolved_at"]
    list_filter = ["tier"]
    list_select_related = ["achievement"]
    search_fields = ["achievement__title"]

    def has_add_permission(self, request):
        return False
