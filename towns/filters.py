import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import EnterpriseKind, EnterpriseStatus
from .models import Division, Enterprise

ALL = _("全部")


class AllYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter's drop-down: “全部” where Django says “未知” (Unknown)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", ALL), ("true", _("是")), ("false", _("否"))]


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter of a list page; left at “全部” it filters nothing."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AllYesNoSelect)
        super().__init__(*args, **kwargs)


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("企业名称或信用代码"), method="filter_text")
    status = django_filters.ChoiceFilter(
        label=_("审核状态"), empty_label=ALL, choices=EnterpriseStatus.choices
    )
    kind = django_filters.ChoiceFilter(
        label=_("注册类型"), empty_label=ALL, choices=EnterpriseKind.choices
    )
    division = django_filters.ModelChoiceFilter(
        label=_("镇街（园区）"), empty_label=ALL, queryset=Division.objects.all()
    )

    class Meta:
        model = Enterprise
        fields = ["q", "status", "kind", "division"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))
