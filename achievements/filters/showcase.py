"""Filters of the public showcase (the search words are ranked by `selectors.showcase`)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from towns.models import Division, Industry

from ..choices import TRL_STAGES, AchievementKind, CooperationMode, ShowcaseOrigin
from ..models import ExternalAchievement, ShowcaseEntry

TRL_STAGE_CHOICES = [(str(levels.start), name) for levels, name in TRL_STAGES]

ALL = _("全部")


class ShowcaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="keep")
    field = django_filters.ModelChoiceFilter(
        label=_("领域"), empty_label=ALL, queryset=Industry.objects.all(), to_field_name="code"
    )
    kind = django_filters.ChoiceFilter(
        label=_("成果类型"), empty_label=ALL, choices=AchievementKind.choices
    )
    stage = django_filters.ChoiceFilter(
        label=_("技术成熟度"), empty_label=ALL, choices=TRL_STAGE_CHOICES, method="filter_stage"
    )
    division = django_filters.ModelChoiceFilter(
        label=_("拟落地镇街"),
        empty_label=ALL,
        queryset=Division.objects.all(),
        to_field_name="slug",
    )
    mode = django_filters.ChoiceFilter(
        label=_("合作方式"), empty_label=ALL, choices=CooperationMode.choices, method="filter_mode"
    )
    source = django_filters.ChoiceFilter(
        label=_("来源"), empty_label=ALL, choices=ShowcaseOrigin.choices, field_name="origin"
    )

    class Meta:
        model = ShowcaseEntry
        fields = ["q", "field", "kind", "stage", "division", "mode", "source"]

    def keep(self, queryset, name, value):
        return queryset

    def filter_stage(self, queryset, name, value):
        for levels, _label in TRL_STAGES:
            if str(levels.start) == value:
                return queryset.filter(trl__gte=levels.start, trl__lt=levels.stop)
        return queryset

    def filter_mode(self, queryset, name, value):
        # A JSON list of codes; matching the quoted code works on SQLite and PostgreSQL alike.
        return queryset.filter(cooperation_modes__icontains=f'"{value}"')


class ExternalAchievementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    field = django_filters.ModelChoiceFilter(
        label=_("领域"), empty_label=ALL, queryset=Industry.objects.all()
    )
    is_published = django_filters.ChoiceFilter(
        label=_("展示"),
        empty_label=ALL,
        choices=[("1", _("公开")), ("0", _("已撤下"))],
        method="filter_published",
    )

    class Meta:
        model = ExternalAchievement
        fields = ["q", "field", "is_published"]

    def filter_text(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(holder__icontains=value) | Q(source__icontains=value)
        )

    def filter_published(self, queryset, name, value):
        return queryset.filter(is_published=value == "1")
