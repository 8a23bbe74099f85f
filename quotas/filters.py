"""FilterSets of the quotas app."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import ReportKind
from .models import Report


class ReportFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("报告类型"), empty_label=_("全部"), choices=ReportKind.choices
    )
    year = django_filters.NumberFilter(
        label=_("年度"), field_name="period_end", lookup_expr="year", min_value=2000, max_value=9999
    )

    class Meta:
        model = Report
        fields = ["kind", "year"]
