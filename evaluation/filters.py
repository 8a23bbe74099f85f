"""One FilterSet per list, shared by the HTML pages and the API."""

from datetime import timedelta

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from achievements.choices import AchievementKind
from achievements.models import Achievement
from towns.filters import YesNoFilter
from towns.models import Industry, Unit

from .choices import BatchStatus, Decision, RecommenderKind, ReviewStatus, ValuationStatus
from .models import Batch, BatchItem, FastTrackReview, Recommendation, Score, Valuation


class SearchFilterSet(django_filters.FilterSet):
    """A `q` keyword searched in `search_fields` (case-insensitive, any of them)."""

    q = django_filters.CharFilter(label=_("关键词"), method="search")
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        condition = Q()
        for field_name in self.search_fields:
            condition |= Q(**{f"{field_name}__icontains": value})
        return queryset.filter(condition)


class BatchFilter(SearchFilterSet):
    search_fields = ("name", "institution")
    year = django_filters.NumberFilter(label=_("年度"))
    status = django_filters.ChoiceFilter(
        label=_("状态"), empty_label=_("全部"), choices=BatchStatus.choices
    )

    class Meta:
        model = Batch
        fields = ["q", "year", "status"]


class BatchItemFilter(django_filters.FilterSet):
    batch = django_filters.NumberFilter(label=_("评价批次"))
    proposed = YesNoFilter(label=_("拟入选"))
    decision = django_filters.ChoiceFilter(
        label=_("确认结果"), empty_label=_("全部"), choices=Decision.choices
    )

    class Meta:
        model = BatchItem
        fields = ["batch", "proposed", "decision"]


class ScoreFilter(django_filters.FilterSet):
    batch = django_filters.NumberFilter(label=_("评价批次"), field_name="item__batch")
    item = django_filters.NumberFilter(label=_("批次成果"))

    class Meta:
        model = Score
        fields = ["batch", "item"]


class EligibleAchievementFilter(SearchFilterSet):
    """Narrows the discovery library when staff add achievements to a batch."""

    search_fields = ("title", "holder")
    kind = django_filters.ChoiceFilter(
        label=_("成果类型"), empty_label=_("全部"), choices=AchievementKind.choices
    )
    field = django_filters.ModelChoiceFilter(
        label=_("所属领域"), empty_label=_("全部"), queryset=Industry.objects.all()
    )
    discovering_unit = django_filters.ModelChoiceFilter(
        label=_("发现单位"), empty_label=_("全部"), queryset=Unit.objects.filter(is_active=True)
    )

    class Meta:
        model = Achievement
        fields = ["q", "kind", "field", "discovering_unit"]


class RecommendationFilter(SearchFilterSet):
    search_fields = ("achievement__title", "recommender_name")
    recommender_kind = django_filters.ChoiceFilter(
        label=_("推荐单位类型"), empty_label=_("全部"), choices=RecommenderKind.choices
    )

    class Meta:
        model = Recommendation
        fields = ["q", "recommender_kind"]


DUE_CHOICES = [("overdue", _("已逾期")), ("soon", _("即将到期"))]


class FastTrackReviewFilter(SearchFilterSet):
    search_fields = ("achievement__title", "reviewer__name")
    status = django_filters.ChoiceFilter(
        label=_("状态"), empty_label=_("全部"), choices=ReviewStatus.choices
    )
    due = django_filters.ChoiceFilter(
        label=_("时限"), empty_label=_("全部"), choices=DUE_CHOICES, method="filter_due"
    )

    class Meta:
        model = FastTrackReview
        fields = ["q", "status", "due"]

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        open_reviews = queryset.filter(status=ReviewStatus.OPEN)
        if value == "overdue":
            return open_reviews.filter(due_on__lt=today)
        if value == "soon":
            soon = today + timedelta(days=settings.FAST_TRACK_DUE_SOON_DAYS)
            return open_reviews.filter(due_on__gte=today, due_on__lte=soon)
        return queryset


class ValuationFilter(SearchFilterSet):
    search_fields = ("achievement__title", "agency")
    status = django_filters.ChoiceFilter(
        label=_("状态"), empty_label=_("全部"), choices=ValuationStatus.choices
    )

    class Meta:
        model = Valuation
        fields = ["q", "status"]
