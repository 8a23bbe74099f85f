"""The leaders' dashboard: KPIs against the city targets (“暂无记录” where nothing is recorded),
quota progress per unit with drill-down, the funnel, the monthly trend, the escalations."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from achievements.choices import AchievementKind
from achievements.services.service import escalations_refresh
from quotas import selectors
from quotas.choices import CityMetric
from quotas.services import landing_quotas_copy

from ..achievements.demands.factories import MatchmakingEventFactory
from ..achievements.landing.factories import YI, landed_case
from ..achievements.service.factories import service_case
from ..achievements.service.test_query_counts import count_queries
from ..brokers.factories import TechContractFactory, VentureRoundFactory
from ..factories import AchievementFactory, unit

pytestmark = pytest.mark.django_db


def kpis(year):
    return {kpi.metric: kpi for kpi in selectors.city_kpis(year)}


def chart_data(page: str) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page)
    return json.loads(match.group(1))


def test_the_kpis_compare_the_year_with_the_city_targets(center_staff):
    for month in (3, 6):
        landed_case(center_staff, on=date(2024, month, 1), contribution=6 * YI)
    landed_case(center_staff, on=date(2024, 9, 1), contribution=YI)
    landed_case(center_staff, on=date(2025, 2, 1))
    AchievementFactory(discovered_on=date(2024, 5, 1))
    AchievementFactory(discovered_on=date(2025, 5, 1))
    figures = kpis(2024)
    landed = figures[CityMetric.ACHIEVEMENTS_LANDED]
    assert (landed.actual, landed.target.target, landed.met, landed.percent) == (3, 100, False, 3)
    discovered = figures[CityMetric.ACHIEVEMENTS_DISCOVERED_CUMULATIVE]
    assert discovered.actual == 5 and discovered.target.target == 500
    assert figures[CityMetric.LANDMARKS_100M_CUMULATIVE].actual == 3
    major = figures[CityMetric.LANDMARKS_500M_CUMULATIVE]
    # The three-year landmark target (2026) stands over the earlier years.
    assert (major.actual, major.target.year, major.target_is_later) == (2, 2026, True)
    assert kpis(2025)[CityMetric.ACHIEVEMENTS_LANDED].actual == 1


def test_figures_without_a_record_are_not_shown_as_zero(client, leader):
    figures = kpis(2026)
    for metric in (
        CityMetric.MATCHMAKING_EVENTS,
        CityMetric.TECH_CONTRACT_AMOUNT,
        CityMetric.VENTURE_CAPITAL_RAISED_CUMULATIVE,
        CityMetric.LANDMARKS_100M_CUMULATIVE,
        CityMetric.INNOVATION_COMPLEXES_CUMULATIVE,
    ):
        assert figures[metric].actual is None, metric
        assert figures[metric].met is None
    assert selectors.matchmaking_events_held(2026) is None
    client.force_login(leader)
    page = client.get(reverse("quotas:dashboard"), {"year": 2026}).content.decode()
    assert page.count("暂无记录") == 6  # the five above and the 5亿元 landmarks


def test_recorded_contracts_and_venture_capital_are_shown(center_staff):
    TechContractFactory(registered_on=date(2025, 4, 1), amount=Decimal(3_000_000))
    landing = landed_case(center_staff, on=date(2025, 3, 1))
    VentureRoundFactory(
        achievement=landing.achievement,
        investor="深创投",
        round="a",
        amount=Decimal(20_000_000),
        invested_on=date(2025, 8, 1),
        created_by=center_staff,
    )
    figures = kpis(2025)
    assert figures[CityMetric.TECH_CONTRACT_AMOUNT].actual == Decimal(3_000_000)
    assert figures[CityMetric.VENTURE_CAPITAL_RAISED_CUMULATIVE].actual == Decimal(20_000_000)
    assert figures[CityMetric.TECH_CONTRACT_AMOUNT].actual is not None
    assert kpis(2024)[CityMetric.TECH_CONTRACT_AMOUNT].actual is None


def test_the_funnel_narrows_from_discovery_to_landing(center_staff):
    AchievementFactory(discovered_on=date(2024, 3, 1))
    service_case(entered_on=date(2024, 5, 1), discovered_on=date(2024, 3, 1))
    landed_case(center_staff, on=date(2024, 8, 1), discovered_on=date(2024, 2, 1))
    stages = {stage.key: stage.count for stage in selectors.funnel(2024)}
    assert stages == {"discovered": 3, "evaluated": 2, "service": 2, "landed": 1}


def test_the_monthly_trend_counts_by_month(center_staff):
    AchievementFactory(discovered_on=date(2024, 3, 5))
    service_case(entered_on=date(2024, 4, 2), discovered_on=date(2024, 3, 6))
    landed_case(center_staff, on=date(2024, 7, 9), discovered_on=date(2024, 1, 6))
    trend = {m.month: (m.discovered, m.service, m.landed) for m in selectors.monthly_trend(2024)}
    assert trend[1] == (1, 0, 0)
    assert trend[3] == (2, 0, 0)
    assert trend[4] == (0, 1, 0)
    assert trend[6] == (0, 1, 0)  # entered the service library a month before landing
    assert trend[7] == (0, 0, 1)


def test_the_dashboard_ranks_units_and_drills_down(client, leader, center_staff):
    landed_case(center_staff, on=date(2024, 5, 1), where="441900113", title="大朗毛织智能制造")
    landed_case(center_staff, on=date(2024, 6, 1), where="441900119")
    client.force_login(leader)
    page = client.get(reverse("quotas:dashboard"), {"year": 2024}).content.decode()
    data = chart_data(page)
    assert data["quota"]["units"][0] == "大朗"  # 1 of 1: best completion first
    assert data["quota"]["completed"][:2] == [1, 1] and data["quota"]["quota"][:2] == [1, 6]
    assert len(data["quota"]["units"]) == 26
    assert data["funnel"]["stages"][-1] == {"name": "认定落地", "value": 2}
    assert len(data["trend"]["months"]) == 12
    assert "<script>" not in page and 'src="/static/vendor/echarts/echarts.min.js"' in page
    assert 'data-testid="quota-total">完成数合计 2 / 123 项 · 1/26 个单位已完成' in page
    drill = client.get(data["quota"]["urls"][0])
    assert drill.status_code == 200
    assert "大朗毛织智能制造" in drill.content.decode()


def test_the_dashboard_lists_the_escalations(client, leader):
    stalled = service_case(
        entered_on=timezone.localdate() - timedelta(days=120),
        expected_contribution=6 * YI,
        title="久推不动的储能项目",
        kind=AchievementKind.PROJECT,
    )
    escalations_refresh()
    client.force_login(leader)
    page = client.get(reverse("quotas:dashboard")).content.decode()
    assert stalled.title in page and "120 天无实质性进展" in page


def test_who_reads_the_dashboard(client, users_by_role):
    for role, user in users_by_role.items():
        client.force_login(user)
        expected = 200 if role in ("center_staff", "leader", "admin") else 403
        for url in (
            reverse("quotas:dashboard"),
            reverse("quotas:landing_quotas"),
            reverse("quotas:report_list"),
        ):
            assert client.get(url).status_code == expected, (role, url)
    client.logout()
    assert client.get(reverse("quotas:dashboard")).status_code == 302


@pytest.mark.usefixtures("render_afresh")
def test_the_dashboard_keeps_its_query_count(client, leader, center_staff, portal_admin):
    landing_quotas_copy(from_year=2024, to_year=2025, acting_user=portal_admin)
    landed_case(center_staff, on=date(2025, 5, 1), where="441900401", contribution=2 * YI)
    landed_case(center_staff, on=date(2025, 5, 2), where="441900108")  # 谢岗: no quota
    service_case(entered_on=timezone.localdate() - timedelta(days=120))
    escalations_refresh()

    client.force_login(leader)
    urls = [
        f"{reverse('quotas:dashboard')}?year=2025",
        f"{reverse('quotas:landing_quotas')}?year=2025",
        f"{reverse('quotas:dashboard_unit', args=['441900401'])}?year=2025",
    ]
    few = {url: count_queries(client, url) for url in urls}
    for n, where in enumerate(["441900401", "441900103", "441900119", "441900401"]):
        landed_case(
            center_staff,
            on=date(2024 + n % 2, 6, 1),
            where=where,
            contribution=YI * (n + 1),
            discovering_unit=unit("kjj" if n == 3 else "dgut"),
        )
        service_case(entered_on=timezone.localdate() - timedelta(days=100 + n))
    escalations_refresh()
    assert {url: count_queries(client, url) for url in urls} == few


def test_matchmaking_events_held_feed_the_event_kpi(client, leader, center_staff):
    from achievements.choices import EventStatus

    def event(held_on, status):
        return MatchmakingEventFactory(
            title="新能源成果转化对接会",
            held_on=held_on,
            place="松山湖国际创新创业社区",
            organizer="东莞市科学技术局",
            status=status,
            created_by=center_staff,
        )

    event(date(2025, 4, 10), EventStatus.HELD)
    event(date(2025, 9, 18), EventStatus.HELD)
    event(date(2025, 11, 5), EventStatus.PLANNED)
    event(date(2024, 6, 1), EventStatus.HELD)
    figure = kpis(2025)[CityMetric.MATCHMAKING_EVENTS]
    assert (figure.actual, figure.target.target, figure.met) == (2, 10, False)
    assert kpis(2026)[CityMetric.MATCHMAKING_EVENTS].actual == 0
    client.force_login(leader)
    page = client.get(reverse("quotas:dashboard"), {"year": 2025}).content.decode()
    assert 'data-testid="kpi-matchmaking_events"' in page or "成果转化对接活动" in page


def test_the_city_figures_are_cached_until_business_data_changes(client, leader, center_staff):
    """The KPIs, quota progress, funnel and trend are aggregates over the whole library: the
    dashboard computes them once, then serves them from the cache until a record changes."""
    year = timezone.localdate().year
    url = f"{reverse('quotas:dashboard')}?year={year}"
    client.force_login(leader)
    client.get(url)
    with CaptureQueriesContext(connection) as cold:
        client.get(url)  # same data: served from the cache
    cache.clear()
    with CaptureQueriesContext(connection) as computed:
        client.get(url)
    assert len(cold) < len(computed) - 5

    before = chart_data(client.get(url).content.decode())["funnel"]["stages"][0]["value"]
    AchievementFactory(discovered_on=timezone.localdate())
    after = chart_data(client.get(url).content.decode())["funnel"]["stages"][0]["value"]
    assert after == before + 1

    landed_case(center_staff, on=timezone.localdate())
    stages = chart_data(client.get(url).content.decode())["funnel"]["stages"]
    assert stages[0]["value"] == before + 2 and stages[-1]["value"] >= 1


def test_the_cached_figures_follow_the_language(client, leader):
    year = timezone.localdate().year
    client.force_login(leader)
    chinese = chart_data(client.get(reverse("quotas:dashboard"), {"year": year}).content.decode())
    client.cookies["django_language"] = "en"
    english = chart_data(client.get(reverse("quotas:dashboard"), {"year": year}).content.decode())
    assert chinese["funnel"]["stages"][0]["name"] == "发现库"
    assert english["funnel"]["stages"][0]["name"] != "发现库"
