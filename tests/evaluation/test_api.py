from datetime import date

import pytest
from django.core.management import call_command

from achievements.models import FollowUp
from achievements.services.service import assignment_assign

from ..achievements.service.factories import service_case
from .factories import give_score, make_batch, submitted

pytestmark = pytest.mark.django_db


def test_staff_start_the_selection_through_the_api(client, center_staff, evaluator, liaison):
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[submitted()])
    give_score(batch.items.get(), evaluator, 80)
    url = f"/api/v1/evaluation/batches/{batch.pk}/select/"
    client.force_login(liaison)
    assert client.post(url).status_code == 404
    client.force_login(evaluator)
    assert client.post(url).status_code == 403
    client.force_login(center_staff)
    response = client.post(url)
    assert response.status_code == 200
    # The task runs after the commit: the answer says it is computing, then it is done.
    assert (response.json()["status"], response.json()["status_display"]) == (
        "selecting",
        "遴选计算中",
    )
    assert client.get(f"/api/v1/evaluation/batches/{batch.pk}/").json()["status"] == "proposed"
    items = client.get("/api/v1/evaluation/items/", {"batch": batch.pk}).json()["results"]
    assert [(i["rank"], i["mean_total"], i["proposed"]) for i in items] == [(1, "80.00", True)]


def test_the_responsible_person_records_a_follow_up_through_the_api(
    client, center_staff, liaison, other_liaison
):
    case = service_case(entered_on=date(2025, 3, 3))
    assignment_assign(achievement=case, assignee=liaison, acting_user=center_staff)
    payload = {
        "achievement": case.pk,
        "followed_on": "2025-03-28",
        "progress": "完成技术对接。",
        "next_step": "考察载体。",
        "route_status": "matching",
        "has_progress": True,
    }
    client.force_login(other_liaison)
    assert client.post("/api/v1/service/follow-ups/", payload).status_code == 404
    client.force_login(liaison)
    response = client.post("/api/v1/service/follow-ups/", payload)
    assert response.status_code == 201
    assert (response.json()["period"], response.json()["recorded_by"]) == ("2025-03-01", liaison.pk)
    again = client.post("/api/v1/service/follow-ups/", payload)
    assert again.status_code == 400
    assert again.json() == {"followed_on": ["2025年3月 已有跟踪记录，请修改该记录。"]}
    assert FollowUp.objects.count() == 1
    cases = client.get("/api/v1/service/cases/").json()["results"]
    assert [(c["id"], c["assignee"], c["last_follow_up_period"]) for c in cases] == [
        (case.pk, liaison.pk, "2025-03-01")
    ]


def test_the_openapi_schema_is_valid(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    text = (tmp_path / "s.yml").read_text(encoding="utf-8")
    assert "/api/v1/evaluation/batches/{id}/select/" in text
    assert "/api/v1/service/follow-ups/" in text
