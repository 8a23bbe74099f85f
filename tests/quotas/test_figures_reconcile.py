"""Reconciliation: every surface shows the same figure for the same year and unit.

Hypothesis builds random histories through the real services — achievements discovered by
units and divisions over 2024–2026, some evaluated in a batch (selected or not), some merged
into another unit's record, service-library cases landed in divisions with and without a quota
(so offsets arise), landings revoked, achievements deleted and restored, later years' quota
tables copied or not and quotas given to divisions that had none — and then reads each year
from every surface: the selectors, the figures API, the landings API, the HTML pages (their
context and their markup), the Excel exports and a report generated for the whole year. Any
figure that two surfaces compute differently fails here, whatever the data.

Each example runs in a savepoint that is rolled back, so it starts from the reference data."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from achievements.services.discovery import (
    achievement_merge,
    achievement_restore,
    achievement_soft_delete,
)
from achievements.services.landing import landing_revoke
from evaluation import services as evaluation
from quotas import selectors
from quotas.choices import CityMetric, ReportKind
from quotas.models import LandingQuota
from quotas.services import landing_quotas_copy, landing_quotas_set, report_generate

from ..achievements.landing.factories import YI, land
from ..achievements.service.factories import service_case
from ..evaluation.factories import evaluator_user, give_score, submitted
from ..factories import unit

pytestmark = pytest.mark.django_db

YEARS = (2024, 2025, 2026)
# Discovering units: a bureau that holds a quota in the annex (its finds count for it), a
# university (never credited), a division.
DISCOVERERS = ("kjj", "dgut", "441900119")
# Where landings happen: divisions with a 2024 quota (大朗 1, 长安 6) and without (茶山, 高埗).
WHERE = ("441900113", "441900119", "441900103", "441900129")
# Divisions without a 2024 quota that a later year may give one.
NEWCOMERS = ("441900103", "441900129")

achievement = st.fixed_dictionaries(
    {
        "discovered": st.dates(date(2024, 1, 1), date(2026, 9, 30)),
        "unit": st.sampled_from(DISCOVERERS),
        "stage": st.sampled_from(["submitted", "service", "landed", "landed", "landed"]),
        "lands_after": st.integers(10, 700),
        "where": st.sampled_from(WHERE),
        "contribution": st.sampled_from([None, YI, 5 * YI]),
        "fate": st.sampled_from(["keep", "keep", "keep", "delete", "restore", "revoke"]),
    }
)
later_quotas = st.fixed_dictionaries(
    {
        "copy": st.booleans(),
        "newcomers": st.lists(st.sampled_from(NEWCOMERS), unique=True, max_size=2),
    }
)
history = st.fixed_dictionaries(
    {
        "achievements": st.lists(achievement, max_size=8),
        "quotas": st.fixed_dictionaries({2025: later_quotas, 2026: later_quotas}),
        "evaluated": st.lists(st.booleans(), max_size=3),
        "merge": st.booleans(),
    }
)

HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- Building a history through the services ----------------------------------------------------


def build(data, staff) -> None:
    today = timezone.localdate()
    for year in (2025, 2026):
        plan = data["quotas"][year]
        if plan["copy"]:
            landing_quotas_copy(from_year=year - 1, to_year=year, acting_user=staff)
        if plan["newcomers"]:
            landing_quotas_set(
                year=year,
                quotas={unit(code).pk: (1, "") for code in plan["newcomers"]},
                acting_user=staff,
            )
    kept = None
    for item in data["achievements"]:
        owner = unit(item["unit"])
        if item["stage"] == "submitted":
            record = submitted(discovered_on=item["discovered"], discovering_unit=owner)
            kept = kept or record
            continue
        entered = item["discovered"] + timedelta(days=5)
        case = service_case(
            entered_on=entered, discovered_on=item["discovered"], discovering_unit=owner
        )
        if item["fate"] != "delete":
            kept = kept or case
        if item["stage"] == "landed":
            landed_on = min(entered + timedelta(days=item["lands_after"]), today)
            landing = land(
                case, staff, on=landed_on, where=item["where"], contribution=item["contribution"]
            )
            if item["fate"] == "revoke":
                landing_revoke(landing=landing, acting_user=staff, reason="误认定")
        if item["fate"] in ("delete", "restore"):
            achievement_soft_delete(case, acting_user=staff, reason="重复登记")
            if item["fate"] == "restore":
                achievement_restore(case, acting_user=staff)
    if data["merge"] and kept is not None:
        duplicate = submitted(discovered_on=kept.discovered_on, discovering_unit=unit("dgut"))
        achievement_merge(duplicate, into=kept, acting_user=staff, reason="同一成果")
    if data["evaluated"]:
        evaluate(data["evaluated"], staff)


def evaluate(selections: list[bool], staff) -> None:
    """A batch of this year through scoring, selection and confirmation."""
    expert = evaluator_user("expert_reconcile")
    records = [submitted(discovered_on=date(2026, 3, 1)) for _ in selections]
    batch = evaluation.batch_create(
        year=2026,
        name="2026年对账批次",
        institution="广东省科技评估中心",
        threshold=70,
        evaluators=[expert],
        acting_user=staff,
    )
    evaluation.batch_add_achievements(batch=batch, achievements=records, acting_user=staff)
    items = list(batch.items.order_by("pk"))
    for item, selected in zip(items, selections, strict=True):
        give_score(item, expert, 90 if selected else 40)
    evaluation.batch_request_selection(batch=batch, acting_user=staff)
    evaluation.batch_compute_selection(batch=batch)
    evaluation.batch_confirm(
        batch=batch,
        acting_user=staff,
        decisions={
            item.pk: (selected, "" if selected else "不满足3有")
            for item, selected in zip(items, selections, strict=True)
        },
    )


def in_a_rolled_back_example(check):
    """Run `check` against a history built in a savepoint, then undo it all."""

    def run(data, staff, **kwargs):
        cache.clear()
        with transaction.atomic():
            build(data, staff)
            check(data=data, staff=staff, **kwargs)
            transaction.set_rollback(True)

    return run


# --- Reading a figure from each surface ----------------------------------------------------------


def api(client, name: str, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.content
    return response.json()


def quota_figures(row) -> tuple:
    return (row.landed, row.offset_in, row.offset_out, row.completed, row.surplus)


def api_quota_figures(row) -> tuple:
    return tuple(row[key] for key in ("landed", "offset_in", "offset_out", "completed", "surplus"))


def sheet_rows(response) -> list[tuple]:
    book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(book.worksheets[0].values)


def page_figure(page: str, testid: str) -> int:
    match = re.search(rf'data-testid="{testid}">(\d+)', page)
    assert match, testid
    return int(match.group(1))


def footer_figures(page: str) -> dict[str, int]:
    footer = page[page.index('data-testid="quota-totals"') :]
    footer = footer[: footer.index("</tr>")]
    return {k: int(v) for k, v in re.findall(r'data-figure="(\w+)">(\d*)<', footer) if v} | {
        k: 0 for k, v in re.findall(r'data-figure="(\w+)">(\d*)<', footer) if not v
    }


# --- The invariants --------------------------------------------------------------------------------


@in_a_rolled_back_example
def check_landing_figures(*, data, staff, client):
    """Landed, offsets and completed agree across selectors, both APIs and the dashboard."""
    client.force_login(staff)
    by_year, landed_by_year = {}, {}
    for year in YEARS:
        rows = selectors.quota_progress(year)
        totals = selectors.quota_totals(rows)
        by_year[year] = rows
        kpis = {kpi.metric: kpi.actual for kpi in selectors.city_kpis(year)}
        landings_api = api(client, "landing-list", year=year, state="landed")["count"]
        landed_by_year[year] = totals.landed
        # KPI landed = Σ per-unit landed = the verified landings of the year in the API.
        assert (
            kpis[CityMetric.ACHIEVEMENTS_LANDED]
            == totals.landed
            == sum(row.landed for row in rows)
            == landings_api
            == selectors.landings_between(*selectors.year_bounds(year)).count()
        )
        # Σ completed = Σ landed + Σ offset_in − Σ offset_out, row by row and in total.
        for row in rows:
            assert row.completed == row.landed + row.offset_in - row.offset_out
            assert row.offset_in == 0 or row.quota is not None
            assert row.offset_out == 0 or (row.quota is None and row.unit.is_division)
            assert row.offset_out == 0 or row.offset_to > year
        assert totals.completed == totals.landed + totals.offset_in - totals.offset_out
        # The figures API is the selectors' figures, unit by unit.
        figures = api(client, "figures-landing-quotas", year=year)
        assert [(r["unit"], r["quota"], *api_quota_figures(r)) for r in figures["results"]] == [
            (row.unit.code, row.quota, *quota_figures(row)) for row in rows
        ]
        assert figures["totals"]["completed"] == totals.completed
        assert figures["totals"]["landed"] == totals.landed
        assert figures["totals"]["offset_in"] == totals.offset_in
        assert figures["totals"]["offset_out"] == totals.offset_out
        kpi_api = {row["key"]: row for row in api(client, "figures-kpis", year=year)["results"]}
        assert kpi_api[CityMetric.ACHIEVEMENTS_LANDED]["value"] == totals.landed
        # The funnel's landed stage is every landing up to the year's end.
        funnel = {s["key"]: s["count"] for s in api(client, "figures-funnel", year=year)["results"]}
        assert funnel["landed"] == sum(landed_by_year.values())
        assert funnel["discovered"] >= funnel["evaluated"] >= funnel["service"]
        assert funnel["service"] >= funnel["landed"]
        assert funnel["discovered"] == kpis[CityMetric.ACHIEVEMENTS_DISCOVERED_CUMULATIVE]
    # Each offset is counted once: what leaves a year arrives in the year it names, if that
    # year gives the unit a quota; nothing arrives that did not leave.
    arriving: dict[tuple[int, int], int] = {}
    for rows in by_year.values():
        for row in rows:
            if row.offset_out:
                key = (row.unit.pk, row.offset_to)
                arriving[key] = arriving.get(key, 0) + row.offset_out
    holders = set(LandingQuota.objects.values_list("unit_id", "year"))
    for year, rows in by_year.items():
        for row in rows:
            expected = arriving.get((row.unit.pk, year), 0)
            assert row.offset_in == (expected if (row.unit.pk, year) in holders else 0)
    all_landed = sum(row.landed for rows in by_year.values() for row in rows)
    all_completed = sum(row.completed for rows in by_year.values() for row in rows)
    pending = sum(n for (unit_id, year), n in arriving.items() if (unit_id, year) not in holders)
    assert all_completed + pending == all_landed


@in_a_rolled_back_example
def check_pages_exports_and_reports(*, data, staff, client):
    """The pages, their Excel exports and the year's report show the API's figures."""
    client.force_login(staff)
    # With every cache on, the page cache too (issue 19): each figure is read after the writes.
    today = timezone.localdate()
    for year in YEARS:
        figures = api(client, "figures-landing-quotas", year=year)
        totals = figures["totals"]
        by_unit = {row["unit"]: row for row in figures["results"]}

        # The quota page: its context, its cards and total row, its export.
        response = client.get(reverse("quotas:landing_quotas"), {"year": year})
        page = response.content.decode()
        context = response.context
        page_rows = [*context["with_quota"], *context["without_quota"]]
        assert {row.unit.code: quota_figures(row) for row in page_rows} == {
            code: api_quota_figures(row) for code, row in by_unit.items()
        }
        assert page_figure(page, "quota-sum") == totals["quota"]
        assert page_figure(page, "quota-completed") == totals["completed"]
        assert page_figure(page, "quota-surplus") == totals["surplus"]
        if page_rows:
            footer = footer_figures(page)
            for key in ("landed", "offset_in", "offset_out", "completed"):
                assert footer[key] == totals[key], key
        rows = sheet_rows(
            client.get(reverse("quotas:landing_quotas"), {"year": year, "export": "xlsx"})
        )
        header, body, footer_row = rows[0], rows[1:-1], rows[-1]
        assert footer_row[:6] == (
            "合计",
            totals["quota"],
            totals["landed"],
            totals["offset_in"],
            totals["offset_out"],
            totals["completed"],
        )
        for column in range(2, 6):
            assert sum(row[column] for row in body) == footer_row[column], header[column]
        assert sum(row[1] for row in body if row[1] != "无任务") == totals["quota"]

        # The dashboard: the KPIs, the quota totals, the funnel; each unit's drill-down.
        response = client.get(reverse("quotas:dashboard"), {"year": year})
        context = response.context
        kpis = api(client, "figures-kpis", year=year)["results"]
        assert [(kpi.metric, kpi.label, kpi.actual) for kpi in context["kpis"]] == [
            (row["key"], row["label"], row["value"]) for row in kpis
        ]
        assert context["totals"].completed == totals["completed"]
        assert context["totals"].landed == totals["landed"]
        funnel = api(client, "figures-funnel", year=year)["results"]
        assert [(s.key, s.count) for s in context["funnel"]] == [
            (s["key"], s["count"]) for s in funnel
        ]
        # Each unit with figures (the others read 0 from the same selector).
        moving = [code for code, row in by_unit.items() if row["landed"] or row["offset_in"]]
        for code in moving:
            row = by_unit[code]
            response = client.get(reverse("quotas:dashboard_unit", args=[code]), {"year": year})
            assert len(response.context["landings"]) == row["landed"]
            progress = response.context["progress"]
            assert progress.completed == row["completed"]
            assert page_figure(response.content.decode(), "unit-completed") == row["completed"]

        # The discovery targets page, its export and the API.
        targets = api(client, "figures-discovery-targets", year=year)["results"]
        response = client.get(reverse("quotas:discovery_targets"), {"year": year, "sort": "code"})
        assert sorted((r.unit.code, r.target, r.discovered) for r in response.context["rows"]) == (
            sorted((r["unit"], r["target"], r["discovered"]) for r in targets)
        )
        assert response.context["totals"].discovered == sum(r["discovered"] for r in targets)
        rows = sheet_rows(
            client.get(reverse("quotas:discovery_targets"), {"year": year, "export": "xlsx"})
        )
        assert (
            rows[-1][3]
            == sum(r["discovered"] for r in targets)
            == sum(row[3] for row in rows[1:-1])
        )

        # The report of the whole year (to today in the current year) has the dashboard's totals.
        end = min(date(year, 12, 31), today)
        report = report_generate(
            kind=ReportKind.CUSTOM, start=date(year, 1, 1), end=end, acting_user=staff
        ).totals
        landed_kpi = next(k for k in kpis if k["key"] == CityMetric.ACHIEVEMENTS_LANDED)
        assert report["landings"] == landed_kpi["value"] == totals["landed"]
        assert report["quota_total"] == totals["quota"]
        assert report["quota_completed"] == totals["completed"]
        assert report["quota_offset_in"] == totals["offset_in"]
        assert report["quota_offset_out"] == totals["offset_out"]
        trend = selectors.monthly_trend(year)
        period = selectors.period_figures(date(year, 1, 1), end)
        assert report["discoveries"] == sum(m.discovered for m in trend) == period.discovered
        assert report["service_entries"] == sum(m.service for m in trend) == period.service
        assert period.landed == totals["landed"]
        # Entering the service library concludes an evaluation: never fewer evaluated.
        assert period.evaluated >= period.service
        assert report["evaluations"] >= report["service_entries"]


@HYPOTHESIS
@given(data=history)
def test_landed_offsets_and_completed_reconcile_on_every_surface(data, center_staff, client):
    check_landing_figures(data, center_staff, client=client)


@settings(HYPOTHESIS, max_examples=25)
@given(data=history)
def test_pages_exports_and_reports_show_the_api_figures(data, center_staff, client):
    check_pages_exports_and_reports(data, center_staff, client=client)


def test_a_landing_without_a_quota_is_completed_once_in_the_year_it_offsets(client, center_staff):
    """The example that made the rule (demo 2026): 4 landings carried in from years without a
    quota were in the card's 已完成 and in the footnote's 'offset 2027' at once."""
    build(
        {
            "achievements": [
                {
                    "discovered": date(2024, 2, 1),
                    "unit": "dgut",
                    "stage": "landed",
                    "lands_after": 100,
                    "where": "441900129",  # 高埗: no quota in 2024 nor 2025
                    "contribution": None,
                    "fate": "keep",
                },
                {
                    "discovered": date(2025, 2, 1),
                    "unit": "dgut",
                    "stage": "landed",
                    "lands_after": 100,
                    "where": "441900129",
                    "contribution": None,
                    "fate": "keep",
                },
            ],
            "quotas": {
                2025: {"copy": True, "newcomers": []},
                2026: {"copy": True, "newcomers": ["441900129"]},
            },
            "evaluated": [],
            "merge": False,
        },
        center_staff,
    )
    gaobu = {
        year: next(r for r in selectors.quota_progress(year) if r.unit.code == "441900129")
        for year in YEARS
    }
    assert [
        (r.landed, r.offset_in, r.offset_out, r.offset_to, r.completed) for r in gaobu.values()
    ] == [
        (1, 0, 1, 2026, 0),
        (1, 0, 1, 2026, 0),
        (0, 2, 0, None, 2),
    ]
    client.force_login(center_staff)
    page = client.get(reverse("quotas:landing_quotas"), {"year": 2025}).content.decode()
    assert "1 项抵扣2026年落地任务" in page
    assert page_figure(page, "quota-completed") == 0
    totals = api(client, "figures-landing-quotas", year=2026)["totals"]
    assert (totals["landed"], totals["offset_in"], totals["completed"]) == (0, 2, 2)
