import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import EnterpriseStatus
from .models import Division, Enterprise

ALL = _("全部")


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("企业名称或信用代码"), method="filter_text")
    status = django_filters.ChoiceFilter(
        label=_("审核状态"), empty_label=ALL, choices=EnterpriseStatus.choices
    )
    division = django_filters.ModelChoiceFilter(
        label=_("镇街（园区）"), empty_label=ALL, queryset=Division.objects.all()
    )

    class Meta:
        model = Enterprise
        fields = ["q", "status", "division"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))
