"""One FilterSet per model, shared by the HTML lists and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from towns.models import Division, Industry

from ..choices import DemandKind, DemandStatus, InquiryStatus
from ..models import Demand, Inquiry, SynonymGroup

ALL = _("全部")


class DemandFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    kind = django_filters.ChoiceFilter(
        label=_("需求类型"), empty_label=ALL, choices=DemandKind.choices
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), empty_label=ALL, choices=DemandStatus.choices
    )
    field = django_filters.ModelChoiceFilter(
        label=_("所属领域"), empty_label=ALL, queryset=Industry.objects.all()
    )
    division = django_filters.ModelChoiceFilter(
        label=_("镇街（园区）"), empty_label=ALL, queryset=Division.objects.all()
    )

    class Meta:
        model = Demand
        fields = ["q", "kind", "status", "field", "division"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(enterprise__name__icontains=value)
        )


class InquiryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    status = django_filters.ChoiceFilter(
        label=_("状态"), empty_label=ALL, choices=InquiryStatus.choices
    )

    class Meta:
        model = Inquiry
        fields = ["q", "status"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(enterprise__name__icontains=value))


class SynonymGroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("概念或词条"), method="filter_text")
    is_active = django_filters.ChoiceFilter(
        label=_("状态"),
        empty_label=ALL,
        choices=[("1", _("启用")), ("0", _("停用"))],
        method="filter_active",
    )

    industry = django_filters.ModelChoiceFilter(
        label=_("所属产业"), queryset=Industry.objects.order_by("code"), empty_label=ALL
    )

    class Meta:
        model = SynonymGroup
        fields = ["q", "is_active", "industry"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(terms__icontains=value))

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")
