"""FilterSets of investor docking, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from achievements.choices import TRL_STAGES
from achievements.models import Achievement
from kernel.parsing import WAN
from towns.choices import EnterpriseKind
from towns.models import Enterprise, Industry

from .choices import DockingStatus, FundingNeed
from .models import InvestorInterest

STAGE_CHOICES = [(str(name), name) for _levels, name in TRL_STAGES]
STAGE_LEVELS = {str(name): levels for levels, name in TRL_STAGES}

# Bounds of each funding-need bucket in yuan: [low, high).
FUNDING_BOUNDS = {
    FundingNeed.UP_TO_5M: (None, 500 * WAN),
    FundingNeed.FROM_5M_TO_20M: (500 * WAN, 2000 * WAN),
    FundingNeed.FROM_20M_TO_100M: (2000 * WAN, 10000 * WAN),
    FundingNeed.ABOVE_100M: (10000 * WAN, None),
}


class OpportunityFilter(django_filters.FilterSet):
    """Service-library achievements awaiting landing: field, stage (技术成熟度阶段), funding need."""

    q = django_filters.CharFilter(label=_("关键词"), method="filter_search")
    field = django_filters.ModelChoiceFilter(
        label=_("所属领域"),
        to_field_name="code",
        queryset=Industry.objects.all(),
        empty_label=_("全部领域"),
    )
    stage = django_filters.ChoiceFilter(
        label=_("所处阶段"), choices=STAGE_CHOICES, empty_label=_("全部阶段"), method="filter_stage"
    )
    funding = django_filters.ChoiceFilter(
        label=_("融资需求"),
        choices=FundingNeed.choices,
        empty_label=_("不限"),
        method="filter_funding",
    )

    class Meta:
        model = Achievement
        fields = ["q", "field", "stage", "funding"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(summary__icontains=value) | Q(holder__icontains=value)
        )

    def filter_stage(self, queryset, name, value):
        levels = STAGE_LEVELS.get(value)
        return queryset.filter(trl__in=list(levels)) if levels else queryset

    def filter_funding(self, queryset, name, value):
        if value == FundingNeed.UNSTATED:
            return queryset.filter(funding_need__isnull=True)
        low, high = FUNDING_BOUNDS[value]
        if low is not None:
            queryset = queryset.filter(funding_need__gte=low)
        if high is not None:
            queryset = queryset.filter(funding_need__lt=high)
        return queryset.filter(funding_need__isnull=False)


class InterestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_search")
    institution = django_filters.ModelChoiceFilter(
        label=_("创投机构"),
        queryset=Enterprise.objects.filter(kind=EnterpriseKind.VENTURE_CAPITAL),
        empty_label=_("全部机构"),
    )
    docking = django_filters.ChoiceFilter(
        label=_("对接状态"),
        choices=[("none", _("待安排对接")), *DockingStatus.choices],
        empty_label=_("全部"),
        method="filter_docking",
    )

    class Meta:
        model = InvestorInterest
        fields = ["q", "institution", "docking"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and not user.reads_everything:
            # An investor sees only their own institution's interests.
            self.filters.pop("institution")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(achievement__title__icontains=value) | Q(institution__name__icontains=value)
        )

    def filter_docking(self, queryset, name, value):
        if value == "none":
            return queryset.filter(docking__isnull=True)
        return queryset.filter(docking__status=value)
