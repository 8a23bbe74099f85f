from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Batch, FastTrackReview, Recommendation, Valuation


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Evaluation records change only through their pages (each change a checked transition)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Batch)
class BatchAdmin(ReadOnlyHistoryAdmin):
    list_display = ["year", "name", "institution", "threshold", "status"]
    list_filter = ["year", "status"]
    search_fields = ["name", "institution"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["achievement", "recommender_name", "recommender_kind", "letter_date"]
    list_select_related = ["achievement"]
    search_fields = ["achievement__title", "recommender_name"]


@admin.register(FastTrackReview)
class FastTrackReviewAdmin(ReadOnlyHistoryAdmin):
    list_display = ["achievement", "status", "opened_on", "due_on", "reviewer"]
    list_filter = ["status"]
    list_select_related = ["achievement", "reviewer"]


@admin.register(Valuation)
class ValuationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["achievement", "agency", "status", "value", "valued_on"]
    list_filter = ["status"]
    list_select_related = ["achievement"]
