"""Read-only figures for BI tools and the 政数局 data platform: the same selectors, for the same
year, as the dashboard, the quota and target pages, the reports and the exports — so a figure
read here is the figure on the page. Staff and leaders only; one response per year (the rows are
the units, a bounded set, so it is not paginated)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
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


@extend_schema(
    summary="全市工作目标完成情况（驾驶舱指标）",
    parameters=[YEAR],
    responses=serializers.KpiListSerializer,
)
class KpiFigures(FiguresView):
    serializer_class = serializers.KpiListSerializer

    def figures(self, year):
        return {"results": selectors.city_overview(year).kpis}


@extend_schema(
    summary="各单位成果落地任务完成情况（含抵扣）",
    parameters=[YEAR],
    responses=serializers.LandingQuotaListSerializer,
)
class LandingQuotaFigures(FiguresView):
    serializer_class = serializers.LandingQuotaListSerializer

    def figures(self, year):
        rows = selectors.quota_progress(year)
        return {"results": rows, "totals": selectors.quota_totals(rows)}


@extend_schema(
    summary="各单位成果发现任务完成情况",
    parameters=[YEAR],
    responses=serializers.DiscoveryTargetListSerializer,
)
class DiscoveryTargetFigures(FiguresView):
    serializer_class = serializers.DiscoveryTargetListSerializer

    def figures(self, year):
        return {"results": selectors.discovery_overview(year)}


@extend_schema(
    summary="成果转化漏斗（截至年底累计）",
    parameters=[YEAR],
    responses=serializers.FunnelSerializer,
)
class FunnelFigures(FiguresView):
    serializer_class = serializers.FunnelSerializer

    def figures(self, year):
        return {"results": selectors.city_overview(year).funnel}
