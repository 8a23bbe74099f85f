"""The discovery library's filters: one FilterSet for the HTML list and the API alike."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from kernel.wording import year_label
from towns.filters import YesNoFilter
from towns.models import Division, Industry, Unit

from ..choices import (
    TRL_CHOICES,
    AchievementKind,
    AchievementStatus,
    CooperationMode,
    FeedbackKind,
    FeedbackStatus,
    SourceChannel,
)
from ..models import Achievement, AchievementFeedback
from ..selectors.discovery import search_achievements

FIRST_YEAR = 2018


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.ChoiceFilter):
    """The years offered grow each January; in the API the parameter is a plain year."""


def _year_choices():
    return [
        (str(year), _year_label(year))
        for year in range(timezone.localdate().year, FIRST_YEAR - 1, -1)
    ]


# The label is read when the page renders, in the reader's language (2026年 / 2026).
_year_label = lazy(year_label, str)


class AchievementFilter(django_filters.FilterSet):
    """Units, divisions and fields are chosen by their codes (`?unit=dgut&field=S04`)."""

    q = django_filters.CharFilter(label=_("关键词"), method="filter_search")
    unit = django_filters.ModelChoiceFilter(
        label=_("发现单位"),
        field_name="discovering_unit",
        to_field_name="code",
        queryset=Unit.objects.filter(is_active=True),
        empty_label=_("全部单位"),
    )
    division = django_filters.ModelChoiceFilter(
        label=_("拟落地镇街"),
        field_name="landing_division",
        to_field_name="code",
        queryset=Division.objects.all(),
        empty_label=_("全部镇街"),
    )
    field = django_filters.ModelChoiceFilter(
        label=_("所属领域"),
        to_field_name="code",
        queryset=Industry.objects.all(),
        empty_label=_("全部领域"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("成果类型"), choices=AchievementKind.choices, empty_label=_("全部类型")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=AchievementStatus.choices,
        empty_label=_("全部状态"),
        method="filter_status",
    )
    year = YearFilter(
        label=_("发现年度"),
        field_name="discovered_on__year",
        choices=_year_choices,
        empty_label=_("全部年度"),
    )
    trl = django_filters.ChoiceFilter(
        label=_("技术成熟度"), choices=TRL_CHOICES, empty_label=_("全部")
    )
    cooperation = django_filters.ChoiceFilter(
        label=_("合作方式"),
        choices=CooperationMode.choices,
        empty_label=_("全部"),
        method="filter_cooperation",
    )
    source = django_filters.ChoiceFilter(
        label=_("成果来源"),
        field_name="source_channel",
        choices=SourceChannel.choices,
        empty_label=_("全部来源"),
    )
    correction = YesNoFilter(label=_("待处理更正申请"), method="filter_correction")

    class Meta:
        model = Achievement
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and not getattr(user, "reads_everything", False):
            # A liaison's list is their unit's: no unit filter, no staff work queue.
            self.filters.pop("unit", None)
            self.filters.pop("correction", None)
        elif user is not None and not user.is_back_office:
            self.filters.pop("correction", None)

    def filter_search(self, queryset, name, value):
        return search_achievements(queryset, value)

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def filter_cooperation(self, queryset, name, value):
        return queryset.with_cooperation_mode(value)

    def filter_correction(self, queryset, name, value):
        open_request = AchievementFeedback.objects.filter(
            achievement=OuterRef("pk"),
            kind=FeedbackKind.CORRECTION_REQUEST,
            status=FeedbackStatus.OPEN,
        )
        return queryset.filter(Exists(open_request) if value else ~Exists(open_request))

    def filter_queryset(self, queryset):
        # Merged duplicates live on inside the record kept; list them only when asked for.
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=AchievementStatus.MERGED)
        return super().filter_queryset(queryset)
