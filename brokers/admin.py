from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models as m


@admin.register(m.CertificateLevel)
class CertificateLevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "eligible_for_library", "sort_order"]


@admin.register(m.TrainingBase)
class TrainingBaseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "recognised", "note"]
    list_filter = ["recognised"]
    search_fields = ["name"]


@admin.register(m.ProgrammeTarget)
class ProgrammeTargetAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "year", "comparison", "target", "target_max", "unit"]
    list_filter = ["programme"]


@admin.register(m.RewardList)
class RewardListAdmin(SimpleHistoryAdmin):
    list_display = ["year", "status", "total", "computed_at", "approved_by", "approved_at"]
    # Approval goes through the service (its four-eyes check), never through this form.
    readonly_fields = [
        "status",
        "computed_by",
        "computed_at",
        "approved_by",
        "approved_at",
        "total",
    ]


@admin.register(m.RewardSettings)
class RewardSettingsAdmin(SimpleHistoryAdmin):
    """The one row of reward settings; the admin site is for admins only."""

    list_display = ["__str__", "four_eyes"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not m.RewardSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        super().save_model(request, obj, form, change)
