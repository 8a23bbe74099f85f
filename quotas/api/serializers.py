"""The figures API's shapes: each field is one figure of quotas/selectors.py, under the name and
with the label the pages use (selectors.FIGURE_LABELS, the README's glossary)."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..assessment import Level
from ..selectors import FIGURE_LABELS

YEAR_ERRORS = {
    "invalid": _("年度应为四位数字，例如 2026。"),
    "min_value": _("年度不能早于 2000 年。"),
    "max_value": _("年度不能晚于 2100 年。"),
    "max_string_length": _("年度应为四位数字，例如 2026。"),
}


class YearQuerySerializer(serializers.Serializer):
    """`?year=` of every figures endpoint: the calendar year, this year when left out."""

    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, error_messages=YEAR_ERRORS
    )

    def validated_year(self) -> int:
        return self.validated_data.get("year") or timezone.localdate().year


def _number(value):
    """A count as an integer, an amount of yuan as a number (null stays null)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


class KpiSerializer(serializers.Serializer):
    key = serializers.CharField(source="metric", help_text="指标代码（CityMetric）")
    label = serializers.CharField(help_text="指标名称，与驾驶舱相同")
    value = serializers.SerializerMethodField(help_text="当年实际值；null 表示暂无记录")
    target = serializers.SerializerMethodField(help_text="目标值；累计指标无当年目标时为三年目标")
    target_year = serializers.IntegerField(source="target.year", allow_null=True, default=None)
    comparison = serializers.CharField(source="target.comparison", allow_null=True, default=None)
    met = serializers.BooleanField(allow_null=True)
    unit = serializers.SerializerMethodField(help_text="计量单位：count（项）或 yuan（元）")

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_value(self, kpi):
        return _number(kpi.actual)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_target(self, kpi):
        return _number(kpi.target.target) if kpi.target else None

    def get_unit(self, kpi) -> str:
        return "yuan" if kpi.is_money else "count"


def _figure(name: str, **kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(help_text=str(FIGURE_LABELS[name]), **kwargs)


class LandingQuotaSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code", help_text="单位代码")
    unit_name = serializers.CharField(source="unit.name")
    quota = _figure("quota", allow_null=True)
    landed = _figure("landed")
    offset_in = _figure("offset_in")
    offset_out = _figure("offset_out")
    offset_to = serializers.IntegerField(
        allow_null=True, help_text="offset_out 抵扣的年度（以后年度中该单位首个有任务的年度）"
    )
    completed = _figure("completed")
    percent = _figure("percent")
    remaining = _figure("remaining", allow_null=True)
    surplus = _figure("surplus")


class LandingQuotaTotalsSerializer(serializers.Serializer):
    quota = _figure("quota")
    landed = _figure("landed")
    offset_in = _figure("offset_in")
    offset_out = _figure("offset_out")
    completed = _figure("completed")
    percent = _figure("percent")
    remaining = _figure("remaining")
    surplus = _figure("surplus")
    units_met = serializers.IntegerField()
    units_with_quota = serializers.IntegerField()


class DiscoveryTargetSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code", help_text="单位代码")
    unit_name = serializers.CharField(source="unit.name")
    target = _figure("target", allow_null=True)
    discovered = _figure("discovered")


class FunnelStageSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class KpiListSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    results = KpiSerializer(many=True)


class LandingQuotaListSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    results = LandingQuotaSerializer(many=True)
    totals = LandingQuotaTotalsSerializer()


class DiscoveryTargetListSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    results = DiscoveryTargetSerializer(many=True)


class FunnelSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    results = FunnelStageSerializer(many=True)


# --- Assessment (考核督导) and the division map ------------------------------------------------------


class ScorecardQuerySerializer(YearQuerySerializer):
    level = serializers.ChoiceField(
        choices=Level.choices, required=False, default=Level.DIVISION, help_text="考核层级"
    )


class ScoreRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="排名（按落地数，再按发现数、服务数）")
    key = serializers.CharField(help_text="单位代码或成果专员的用户名")
    name = serializers.CharField()
    discovered = _figure("discovered")
    landed = _figure("landed")
    served = _figure("service")
    follow_ups = serializers.IntegerField(allow_null=True, help_text="月度跟踪记录（成果专员）")
    missed = serializers.IntegerField(allow_null=True, help_text="逾期未跟踪的月份（成果专员）")
    on_time_percent = serializers.IntegerField(allow_null=True, help_text="按时跟踪率（%）")


class ScoreTotalsSerializer(serializers.Serializer):
    discovered = _figure("discovered")
    landed = _figure("landed")
    served = _figure("service")


class ScorecardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    level = serializers.CharField()
    results = ScoreRowSerializer(many=True)
    totals = ScoreTotalsSerializer()


class DivisionTileSerializer(serializers.Serializer):
    division = serializers.CharField(source="division.code", help_text="统计用区划代码")
    name = serializers.CharField(source="division.name")
    unit = serializers.CharField(source="unit_code", allow_null=True)
    row = serializers.IntegerField(help_text="瓦片地图的行")
    col = serializers.IntegerField(help_text="瓦片地图的列")
    quota = _figure("quota", allow_null=True)
    completed = _figure("completed")
    percent = serializers.IntegerField(allow_null=True, help_text="完成率（%）；null 表示无任务")


class DivisionMapSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    results = DivisionTileSerializer(many=True)
