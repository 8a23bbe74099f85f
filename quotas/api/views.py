"""Read-only figures for BI tools and the 政数局 data platform: the same selectors, for the same
year, as the dashboard, the quota and target pages, the reports and the exports — so a figure
read here is the figure on the page. Staff and leaders only; one response per year (the rows are
the units, a bounded set, so it is not paginated)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import assessment, selectors
from ..assessment import Level
from . import serializers

YEAR = OpenApiParameter("year", int, description="年度（2000–2100），缺省为今年")


class FiguresView(APIView):
    serializer_class = None

    def year(self, request) -> int:
        if not request.user.has_perm("quotas.view_dashboard"):
            raise PermissionDenied
        query = serializers.YearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_year()

    def figures(self, year: int) -> dict:
        raise NotImplementedError

    def get(self, request):
        year = self.year(request)
        return Response(self.serializer_class({"year": year, **self.figures(year)}).data)


def figures_endpoint(summary: str, serializer):
    """A figures endpoint answering with `serializer`, documented under `summary`."""

    def document(view):
        view.serializer_class = serializer
        return extend_schema(summary=summary, parameters=[YEAR], responses=serializer)(view)

    return document


@figures_endpoint("全市工作目标完成情况（驾驶舱指标）", serializers.KpiListSerializer)
class KpiFigures(FiguresView):
    def figures(self, year):
        return {"results": selectors.city_overview(year).kpis}


@figures_endpoint("各单位成果落地任务完成情况（含抵扣）", serializers.LandingQuotaListSerializer)
class LandingQuotaFigures(FiguresView):
    def figures(self, year):
        rows = selectors.quota_progress(year)
        return {"results": rows, "totals": selectors.quota_totals(rows)}


@figures_endpoint("各单位成果发现任务完成情况", serializers.DiscoveryTargetListSerializer)
class DiscoveryTargetFigures(FiguresView):
    def figures(self, year):
        return {"results": selectors.discovery_overview(year)}


@figures_endpoint("成果转化漏斗（截至年底累计）", serializers.FunnelSerializer)
class FunnelFigures(FiguresView):
    def figures(self, year):
        return {"results": selectors.city_overview(year).funnel}


LEVEL = OpenApiParameter(
    "level", str, enum=Level.values, description="考核层级，缺省为镇街（园区）"
)


@extend_schema(
    summary="成果转化考核：发现数 · 落地数 · 服务数（按层级排名）",
    parameters=[YEAR, LEVEL],
    responses=serializers.ScorecardSerializer,
)
class ScorecardFigures(FiguresView):
    serializer_class = serializers.ScorecardSerializer

    def get(self, request):
        if not request.user.has_perm("quotas.view_dashboard"):
            raise PermissionDenied
        query = serializers.ScorecardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_year()
        level = query.validated_data["level"]
        card = assessment.scorecard(level, year)
        return Response(
            self.serializer_class(
                {"year": year, "level": level, "results": card.rows, "totals": card.totals}
            ).data
        )


@figures_endpoint("各镇街（园区）落地任务完成地图", serializers.DivisionMapSerializer)
class DivisionMapFigures(FiguresView):
    def figures(self, year):
        return {"results": assessment.division_map(year)}
