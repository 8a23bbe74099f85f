"""The FilterSet of landings, shared by the landings page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from towns.models import Division, Unit

from ..choices import AchievementKind, LandingRule, LandingState, Landmark
from ..models import Landing


class LandingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="search")
    state = django_filters.ChoiceFilter(
        label=_("落地状态"), empty_label=_("全部"), choices=LandingState.choices
    )
    year = django_filters.NumberFilter(
        label=_("落地年度"),
        field_name="landed_on",
        lookup_expr="year",
        min_value=2000,
        max_value=9999,
    )
    credited_unit = django_filters.ModelChoiceFilter(
        label=_("计入单位"),
        empty_label=_("全部"),
        queryset=Unit.objects.filter(is_active=True),
        to_field_name="code",
    )
    division = django_filters.ModelChoiceFilter(
        label=_("落地镇街（园区）"),
        empty_label=_("全部"),
        queryset=Division.objects.all(),
        to_field_name="code",
    )
    rule = django_filters.ChoiceFilter(
        label=_("认定条款"), empty_label=_("全部"), choices=LandingRule.choices
    )
    kind = django_filters.ChoiceFilter(
        label=_("成果类型"),
        empty_label=_("全部"),
        choices=AchievementKind.choices,
        field_name="achievement__kind",
    )
    landmark = django_filters.ChoiceFilter(
        label=_("标杆性成果"),
        empty_label=_("全部"),
        choices=[c for c in Landmark.choices if c[0]],
        method="by_landmark",
    )

    class Meta:
        model = Landing
        fields = ["q", "state", "year", "credited_unit", "division", "rule", "kind", "landmark"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(achievement__title__icontains=value) | Q(achievement__holder__icontains=value)
        )

    def by_landmark(self, queryset, name, value):
        # A major landmark (≥ 5亿元) is also one of ≥ 1亿元.
        if value == Landmark.SIGNIFICANT:
            return queryset.filter(landmark__in=[Landmark.SIGNIFICANT, Landmark.MAJOR])
        return queryset.filter(landmark=value)
