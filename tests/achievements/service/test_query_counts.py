"""Service-library lists render in the same number of queries whatever their length."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from achievements.services.service import assignment_assign, escalations_refresh

from .factories import service_case

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_cases(n, staff, leader):
    old = timezone.localdate() - timedelta(days=120)
    for i in range(n):
        case = service_case(entered_on=old, expected_contribution=Decimal(i + 1) * 10**8)
        assignment_assign(achievement=case, assignee=staff, acting_user=staff)
    escalations_refresh()


@pytest.mark.usefixtures("render_afresh")
def test_case_lists_escalations_and_homes(client, center_staff, leader):
    add_cases(1, center_staff, leader)
    urls = [
        reverse("achievements:service_case_list"),
        reverse("achievements:service_my_cases"),
        reverse("achievements:service_escalation_list"),
        reverse("quotas:home"),
        "/api/v1/service/cases/",
        "/api/v1/service/escalations/",
        "/api/v1/service/follow-ups/",
    ]
    client.force_login(center_staff)
    few = {url: count_queries(client, url) for url in urls}
    client.force_login(leader)
    leader_few = count_queries(client, reverse("quotas:home"))
    add_cases(6, center_staff, leader)
    assert count_queries(client, reverse("quotas:home")) == leader_few
    client.force_login(center_staff)
    assert {url: count_queries(client, url) for url in urls} == few


def test_the_service_library_exports_to_excel(client, center_staff, leader):
    add_cases(3, center_staff, leader)
    client.force_login(center_staff)
    response = client.get(reverse("achievements:service_case_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("成果名称", "发现单位", "所属领域")
    assert len(rows) == 4
    assert {row[5] for row in rows[1:]} == {center_staff.display_name}
