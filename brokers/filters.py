"""One FilterSet per register, shared by the HTML list and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from towns.choices import CarrierKind, CarrierLevel
from towns.filters import YesNoFilter
from towns.models import (
    Division,
    IncubatedEnterprise,
    IncubationCarrier,
    Industry,
    TechCommissioner,
)

from . import models as m
from .choices import (
    BrokerStatus,
    ContractType,
    EventKind,
    FundLevel,
    InvestmentRound,
    PocKind,
    PocStatus,
    SelectionStage,
)


class SearchFilterSet(django_filters.FilterSet):
    """A keyword box over `search_fields`, plus each subclass's own filters."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(label=_("关键词"), method="search")

    def search(self, queryset, name, value):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(condition) if value.strip() else queryset


def division_filter(field_name="division", label=None):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, label=label or _("镇街（园区）"), queryset=Division.objects.all()
    )


def field_filter(field_name="fields", label=None):
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        label=label or _("领域"),
        queryset=Industry.objects.all(),
        distinct=True,
    )


def year_filter(field_name="year", label=None):
    # Bounded: a year outside 1900–9999 overflowed the date lookup (a 500 found by the fuzzing).
    return django_filters.NumberFilter(
        field_name=field_name, label=label or _("年度"), min_value=1900, max_value=9999
    )


class BrokerFilter(SearchFilterSet):
    search_fields = ("name", "employer", "certificate_number")
    status = django_filters.ChoiceFilter(label=_("入库状态"), choices=BrokerStatus.choices)
    certificate_level = django_filters.ModelChoiceFilter(
        label=_("证书等级"), queryset=m.CertificateLevel.objects.all()
    )
    field = field_filter(label=_("擅长领域"))

    class Meta:
        model = m.Broker
        fields = ["q", "status", "certificate_level", "field"]


class TechContractFilter(SearchFilterSet):
    search_fields = ("title", "registration_number", "seller_name", "buyer_name")
    year = year_filter("registered_on__year", _("登记年度"))
    contract_type = django_filters.ChoiceFilter(label=_("合同类型"), choices=ContractType.choices)
    broker = django_filters.ModelChoiceFilter(
        field_name="broker_shares__broker",
        label=_("技术经纪人"),
        queryset=m.Broker.objects.in_library(),
        distinct=True,
    )
    dongguan_party = YesNoFilter(label=_("有东莞主体"), method="filter_dongguan_party")

    class Meta:
        model = m.TechContract
        fields = ["q", "year", "contract_type", "broker", "dongguan_party"]

    def filter_dongguan_party(self, queryset, name, value):
        if value is None:
            return queryset
        dongguan = Q(seller_division__isnull=False) | Q(buyer_division__isnull=False)
        return queryset.filter(dongguan if value else ~dongguan)


class VentureRoundFilter(SearchFilterSet):
    search_fields = ("investor", "achievement__title")
    year = year_filter("invested_on__year", _("融资年度"))
    round = django_filters.ChoiceFilter(label=_("融资轮次"), choices=InvestmentRound.choices)
    fund = django_filters.ModelChoiceFilter(label=_("出资基金"), queryset=m.Fund.objects.all())
    landed = YesNoFilter(label=_("成果已落地"), method="filter_landed")

    class Meta:
        model = m.VentureRound
        fields = ["q", "year", "round", "fund", "landed"]

    def filter_landed(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(achievement__status="landed")
        return queryset.filter(condition if value else ~condition)


class FundFilter(SearchFilterSet):
    search_fields = ("name", "manager", "partner_platform")
    level = django_filters.ChoiceFilter(label=_("基金层级"), choices=FundLevel.choices)
    parent = django_filters.ModelChoiceFilter(
        label=_("所属母基金"), queryset=m.Fund.objects.filter(level=FundLevel.PARENT)
    )
    partner_division = division_filter("partner_division", _("合作镇街（园区）"))
    field = field_filter(label=_("重点投资领域"))

    class Meta:
        model = m.Fund
        fields = ["q", "level", "parent", "partner_division", "field"]


class IntermediaryFilter(SearchFilterSet):
    search_fields = ("name",)
    division = division_filter()
    field = field_filter(label=_("服务领域"))
    first_above_scale_year = year_filter("first_above_scale_year", _("首次上规年度"))

    class Meta:
        model = m.Intermediary
        fields = ["q", "division", "field", "first_above_scale_year"]


class PocCenterFilter(SearchFilterSet):
    search_fields = ("name", "operator")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=PocKind.choices)
    status = django_filters.ChoiceFilter(label=_("认定状态"), choices=PocStatus.choices)
    recognised_year = year_filter("recognised_year", _("认定年度"))
    division = division_filter()

    class Meta:
        model = m.PocCenter
        fields = ["q", "kind", "status", "recognised_year", "division"]


class SubsidisedEventFilter(SearchFilterSet):
    search_fields = ("name", "organiser")
    year = year_filter("held_on__year", _("举办年度"))
    kind = django_filters.ChoiceFilter(label=_("活动类型"), choices=EventKind.choices)

    class Meta:
        model = m.SubsidisedEvent
        fields = ["q", "year", "kind"]


class OutstandingIndividualFilter(SearchFilterSet):
    search_fields = ("name", "employer")
    year = year_filter()

    class Meta:
        model = m.OutstandingIndividual
        fields = ["q", "year"]


class MajorProjectFilter(SearchFilterSet):
    search_fields = ("name", "lead_enterprise")
    year = year_filter(label=_("入库年度"))
    division = division_filter()
    field = field_filter("field", _("所属领域"))

    class Meta:
        model = m.MajorProject
        fields = ["q", "year", "division", "field"]


class GazelleEnterpriseFilter(MajorProjectFilter):
    search_fields = ("name", "credit_code")

    class Meta:
        model = m.GazelleEnterprise
        fields = ["q", "year", "division", "field"]


class CooperationProjectFilter(SearchFilterSet):
    search_fields = ("title", "enterprise", "institution")
    year = year_filter("signed_on__year", _("签约年度"))
    division = division_filter(label=_("促成镇街（园区）"))

    class Meta:
        model = m.CooperationProject
        fields = ["q", "year", "division"]


class InnovationComplexFilter(SearchFilterSet):
    search_fields = ("name", "operator")
    year = year_filter(label=_("建成年度"))
    division = division_filter()

    class Meta:
        model = m.InnovationComplex
        fields = ["q", "year", "division"]


class DemonstrationTownFilter(django_filters.FilterSet):
    year = year_filter(label=_("认定年度"))

    class Meta:
        model = m.DemonstrationTown
        fields = ["year"]


# --- Seed 000 registers: people, carriers, selection, money-rule inputs --------------------------


class TechCommissionerFilter(SearchFilterSet):
    search_fields = ("name", "employer", "expertise")
    division = division_filter(label=_("派驻镇街（园区）"))
    year = year_filter("dispatched_on__year", _("派驻年度"))

    class Meta:
        model = TechCommissioner
        fields = ["q", "division", "year"]


class CommissionerServiceFilter(SearchFilterSet):
    search_fields = ("enterprise", "problem", "result", "commissioner__name")
    division = division_filter("commissioner__division", _("派驻镇街（园区）"))
    year = year_filter("served_on__year", _("服务年度"))
    solved = YesNoFilter(label=_("问题已解决"))
    with_demand = YesNoFilter(
        label=_("对应企业需求"), field_name="demand", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = m.CommissionerService
        fields = ["q", "division", "year", "solved", "with_demand", "commissioner"]


class IncubationCarrierFilter(SearchFilterSet):
    search_fields = ("name", "operator")
    kind = django_filters.ChoiceFilter(label=_("载体类型"), choices=CarrierKind.choices)
    level = django_filters.ChoiceFilter(label=_("载体级别"), choices=CarrierLevel.choices)
    division = division_filter()

    class Meta:
        model = IncubationCarrier
        fields = ["q", "kind", "level", "division"]


class IncubatedEnterpriseFilter(SearchFilterSet):
    search_fields = ("name", "credit_code")
    carrier = django_filters.ModelChoiceFilter(
        label=_("孵化载体"), queryset=IncubationCarrier.objects.all()
    )
    kind = django_filters.ChoiceFilter(
        field_name="carrier__kind", label=_("载体类型"), choices=CarrierKind.choices
    )
    graduated = YesNoFilter(
        label=_("已毕业"), field_name="graduated_on", lookup_expr="isnull", exclude=True
    )
    high_tech = YesNoFilter(
        label=_("已认定高企"), field_name="high_tech_year", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = IncubatedEnterprise
        fields = ["q", "carrier", "kind", "graduated", "high_tech"]


class TownSelectionFilter(django_filters.FilterSet):
    year = year_filter(label=_("遴选年度"))
    division = division_filter()
    stage = django_filters.ChoiceFilter(label=_("遴选状态"), choices=SelectionStage.choices)

    class Meta:
        model = m.TownSelection
        fields = ["year", "division", "stage"]


class IndustrialisationAwardFilter(SearchFilterSet):
    search_fields = ("project__name", "project__lead_enterprise")
    year = year_filter(label=_("奖励年度"))

    class Meta:
        model = m.IndustrialisationAward
        fields = ["q", "year"]


class LoanLossClaimFilter(SearchFilterSet):
    search_fields = ("bank", "enterprise")
    year = year_filter(label=_("补偿年度"))

    class Meta:
        model = m.LoanLossClaim
        fields = ["q", "year"]


class ServiceRevenueFilter(django_filters.FilterSet):
    year = year_filter()

    class Meta:
        model = m.ServiceRevenue
        fields = ["year"]
