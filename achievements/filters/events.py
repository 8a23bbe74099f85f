import django_filters
from django.utils.translation import gettext_lazy as _

from towns.models import Industry

from ..choices import EventStatus
from ..models import MatchmakingEvent

ALL = _("全部")


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), field_name="title", lookup_expr="icontains")
    year = django_filters.NumberFilter(
        label=_("年度"), field_name="held_on", lookup_expr="year", min_value=2000, max_value=9999
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), empty_label=ALL, choices=EventStatus.choices
    )
    field = django_filters.ModelChoiceFilter(
        label=_("对接领域"), empty_label=ALL, queryset=Industry.objects.all(), field_name="fields"
    )

    class Meta:
        model = MatchmakingEvent
        fields = ["q", "year", "status", "field"]
