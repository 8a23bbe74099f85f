"""FilterSets of the service library, shared by the HTML lists and the API."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from towns.filters import YesNoFilter
from towns.models import Industry, Unit

from ..choices import AchievementStatus, EscalationTier, ServiceRoute
from ..models import Achievement, Assignment, Escalation, FollowUp
from ..selectors.service import first_of_month, stalled_cutoff

STATE_CHOICES = [
    ("unassigned", _("待分配责任人")),
    ("missing_follow_up", _("逾期未跟踪")),
    ("not_followed_this_month", _("本月尚未跟踪")),
    ("stalled", _("久推不动")),
    ("escalated", _("已报送")),
]


class ServiceCaseFilter(django_filters.FilterSet):
    """Filters cases annotated by `with_case_facts` (tier, last progress, flags)."""

    q = django_filters.CharFilter(label=_("关键词"), method="search")
    tier = django_filters.ChoiceFilter(
        label=_("报送层级"), empty_label=_("全部"), choices=EscalationTier.choices
    )
    service_route = django_filters.ChoiceFilter(
        label=_("入库方式"), empty_label=_("全部"), choices=ServiceRoute.choices
    )
    field = django_filters.ModelChoiceFilter(
        label=_("所属领域"), empty_label=_("全部"), queryset=Industry.objects.all()
    )
    discovering_unit = django_filters.ModelChoiceFilter(
        label=_("发现单位"), empty_label=_("全部"), queryset=Unit.objects.filter(is_active=True)
    )
    state = django_filters.ChoiceFilter(
        label=_("办理情况"), empty_label=_("全部"), choices=STATE_CHOICES, method="by_state"
    )

    class Meta:
        model = Achievement
        fields = ["q", "tier", "service_route", "field", "discovering_unit", "state"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(holder__icontains=value))

    def by_state(self, queryset, name, value):
        if value == "unassigned":
            return queryset.filter(
                ~Exists(Assignment.objects.current().filter(achievement=OuterRef("pk")))
            )
        if value == "missing_follow_up":
            return queryset.filter(open_flag_count__gt=0)
        if value == "not_followed_this_month":
            this_month = first_of_month(timezone.localdate())
            return queryset.filter(status=AchievementStatus.SERVICE).filter(
                Q(last_follow_up_period__isnull=True) | Q(last_follow_up_period__lt=this_month)
            )
        if value == "stalled":
            return queryset.filter(last_progress_on__lte=stalled_cutoff(timezone.localdate()))
        if value == "escalated":
            return queryset.filter(is_escalated=True)
        return queryset


OPEN_CHOICES = [("open", _("未解除")), ("resolved", _("已解除"))]


class EscalationFilter(django_filters.FilterSet):
    tier = django_filters.ChoiceFilter(
        label=_("报送层级"), empty_label=_("全部"), choices=EscalationTier.choices
    )
    state = django_filters.ChoiceFilter(
        label=_("状态"), empty_label=_("全部"), choices=OPEN_CHOICES, method="by_state"
    )
    mine = YesNoFilter(label=_("报送给我的"), method="reported_to_me")
    unrouted = YesNoFilter(label=_("未能报送（未设置分管市领导）"))
    q = django_filters.CharFilter(label=_("关键词"), method="search")

    class Meta:
        model = Escalation
        fields = ["tier", "state", "mine", "unrouted", "q"]

    def reported_to_me(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        reported = Escalation.objects.filter(pk=OuterRef("pk"), recipients=user)
        return queryset.filter(Exists(reported) if value else ~Exists(reported))

    def by_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(resolved_at__isnull=True)
        if value == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset

    def search(self, queryset, name, value):
        return queryset.filter(achievement__title__icontains=value.strip())


class FollowUpFilter(django_filters.FilterSet):
    achievement = django_filters.NumberFilter(label=_("科技成果"))
    period = django_filters.DateFilter(label=_("所属月份"))

    class Meta:
        model = FollowUp
        fields = ["achievement", "period"]
