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
    readonly_fields = ["computed_by", "computed_at", "approved_by", "approved_at", "total"]
