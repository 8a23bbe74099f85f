"""A leader opens the division map from the dashboard, sees the 36 tiles drawn, opens a division's
drill-down from it, then reads the assessment scorecard and follows a number to its records."""

from datetime import date

import pytest
from playwright.sync_api import expect

from towns.choices import Role

from ..achievements.landing.factories import land
from ..achievements.service.factories import service_case
from ..factories import UserFactory, unit
from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_a_leader_reads_the_division_map_and_the_scorecard(page):
    staff = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="chen")
    UserFactory(role=Role.LEADER, unit=unit("kjj"), username="zheng", name="郑国平")
    case = service_case(entered_on=date(2024, 2, 1), discovering_unit=unit("dgut"))
    land(case, staff, on=date(2024, 3, 1), where="441900113")

    login(page, "zheng")
    page.goto("/dashboard/?year=2024")
    page.get_by_test_id("dashboard-map-link").click()
    page.wait_for_url("**/dashboard/map/?year=2024")
    expect(page.locator("[data-division-map][data-ready='1']")).to_have_count(1)
    rows = page.get_by_test_id("division-map-table").locator("tbody tr")
    expect(rows).to_have_count(36)
    dalang = page.locator("tr[data-division='441900113']")
    assert "100%" in dalang.inner_text()
    screenshot(page, "division-map")
    dalang.get_by_role("link").click()
    page.wait_for_url("**/dashboard/units/441900113/?year=2024")

    page.goto("/assessment/?year=2024&level=division")
    row = page.locator("tr[data-key='441900113']")
    expect(row.locator("td[data-figure='landed']")).to_have_text("1")
    screenshot(page, "assessment-scorecard")
    row.locator("td[data-figure='landed'] a").click()
    expect(page.get_by_test_id("drill-records")).to_contain_text(case.title)
    assert page.js_errors == []
