from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CityTarget, DiscoveryTarget, LandingQuota


@admin.register(DiscoveryTarget)
class DiscoveryTargetAdmin(SimpleHistoryAdmin):
    list_display = ["year", "unit", "target", "innovation_strong_town"]
    list_filter = ["year", "innovation_strong_town", "unit__kind"]
    list_editable = ["target", "innovation_strong_town"]
    search_fields = ["unit__name", "unit__short_name", "unit__code"]
    list_select_related = ["unit"]


@admin.register(LandingQuota)
class LandingQuotaAdmin(SimpleHistoryAdmin):
    list_display = ["year", "unit", "quota", "direction", "landmark_requirement"]
    list_filter = ["year"]
    search_fields = ["unit__name", "unit__short_name", "unit__code"]
    list_select_related = ["unit"]


@admin.register(CityTarget)
class CityTargetAdmin(SimpleHistoryAdmin):
    list_display = ["year", "metric", "comparison", "target", "unit"]
    list_filter = ["year", "metric"]
