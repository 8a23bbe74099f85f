"""Scores, evaluator comments and valuations are never public: one table per record, every role."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.services import (
    batch_request_selection,
    valuation_complete,
    valuation_request,
)

from .factories import evaluator_user, give_score, item_of, make_batch, pdf_file, submitted

pytestmark = pytest.mark.django_db

COMMENT = "核心专利已授权，但量产良率尚待验证。"
ROLES = [
    "center_staff",
    "admin",
    "leader",
    "batch_evaluator",
    "other_evaluator",
    "owning_liaison",
    "other_liaison",
    "enterprise",
    "broker",
    "anonymous",
]


@pytest.fixture
def world(users_by_role, other_liaison, settings, tmp_path, commits):
    settings.MEDIA_ROOT = tmp_path
    staff = users_by_role["center_staff"]
    batch_evaluator = users_by_role["evaluator"]
    achievement = submitted(title="氮化镓功率器件")
    batch = make_batch(staff=staff, evaluators=[batch_evaluator], achievements=[achievement])
    item = item_of(batch, achievement)
    give_score(item, batch_evaluator, 82, comment=COMMENT)
    with commits():
        batch_request_selection(batch=batch, acting_user=staff)
    valuation = valuation_request(
        achievement=achievement, agency="中联评估", requested_on=date(2025, 4, 1), acting_user=staff
    )
    valuation_complete(
        valuation=valuation,
        acting_user=staff,
        report=pdf_file(),
        value=Decimal("36000000"),
        valued_on=date(2025, 5, 1),
    )
    people = {
        "center_staff": staff,
        "admin": users_by_role["admin"],
        "leader": users_by_role["leader"],
        "batch_evaluator": batch_evaluator,
        "other_evaluator": evaluator_user("expert_other"),
        "owning_liaison": users_by_role["liaison"],
        "other_liaison": other_liaison,
        "enterprise": users_by_role["enterprise"],
        "broker": users_by_role["broker"],
        "anonymous": None,
    }
    return {"batch": batch, "item": item, "valuation": valuation, "people": people}


def as_(client, world, role):
    user = world["people"][role]
    if user is not None:
        client.force_login(user)
    return client


SCORE_READERS = {"center_staff", "admin", "leader", "batch_evaluator"}


@pytest.mark.parametrize("role", ROLES)
def test_scores_and_comments_only_for_staff_leaders_and_the_batchs_evaluators(client, world, role):
    as_(client, world, role)
    batch, item = world["batch"], world["item"]
    page = client.get(reverse("evaluation:batch_item_detail", args=[batch.pk, item.pk]))
    api = client.get("/api/v1/evaluation/scores/")
    if role in SCORE_READERS:
        assert page.status_code == 200
        assert COMMENT in page.content.decode() and "82.00" in page.content.decode()
        assert [row["comment"] for row in api.json()["results"]] == [COMMENT]
    elif role == "anonymous":
        assert page.status_code == 302 and api.status_code in (401, 403)
    else:
        assert page.status_code == 404
        assert api.json()["results"] == []
    if role != "anonymous":
        panel = client.get(reverse("evaluation:achievement_evaluation", args=[item.achievement_id]))
        if panel.status_code == 200:
            assert ("82.00" in panel.content.decode()) == (role in SCORE_READERS)


VALUATION_READERS = {
    "center_staff",
    "admin",
    "leader",
    "batch_evaluator",
    "owning_liaison",
}


@pytest.mark.parametrize("role", ROLES)
def test_valuations_only_for_staff_leaders_evaluators_and_the_owning_unit(client, world, role):
    as_(client, world, role)
    valuation = world["valuation"]
    page = client.get(reverse("evaluation:valuation_detail", args=[valuation.pk]))
    report = client.get(reverse("evaluation:valuation_report", args=[valuation.pk]))
    listing = client.get(reverse("evaluation:valuation_list"))
    api = client.get("/api/v1/evaluation/valuations/")
    if role in VALUATION_READERS:
        assert page.status_code == report.status_code == 200
        assert "3,600万元" in page.content.decode()
        assert "3,600万元" in listing.content.decode()
        assert [row["value"] for row in api.json()["results"]] == ["36000000.00"]
    elif role == "anonymous":
        assert page.status_code == report.status_code == listing.status_code == 302
    else:
        assert page.status_code == report.status_code == 404
        assert "3,600万元" not in listing.content.decode()
        assert api.json()["results"] == []


@pytest.mark.parametrize("role", ROLES)
def test_batches_only_for_staff_leaders_and_their_evaluators(client, world, role):
    as_(client, world, role)
    response = client.get(reverse("evaluation:batch_detail", args=[world["batch"].pk]))
    expected = 200 if role in SCORE_READERS else 302 if role == "anonymous" else 404
    assert response.status_code == expected


@pytest.fixture
def scored_by_two(center_staff, evaluator):
    """A batch still scoring: `evaluator` gave 70 ("我的意见"), a co-evaluator 90 ("别人的意见")."""
    other = evaluator_user("expert_z")
    achievement = submitted()
    batch = make_batch(
        staff=center_staff, evaluators=[evaluator, other], achievements=[achievement]
    )
    item = item_of(batch, achievement)
    give_score(item, evaluator, 70, comment="我的意见")
    give_score(item, other, 90, comment="别人的意见")
    return batch, item


def test_evaluators_see_only_their_own_score_while_scoring(client, evaluator, scored_by_two):
    batch, item = scored_by_two
    client.force_login(evaluator)
    page = client.get(reverse("evaluation:batch_item_detail", args=[batch.pk, item.pk]))
    assert "我的意见" in page.content.decode() and "别人的意见" not in page.content.decode()


def test_the_api_hides_co_evaluators_scores_while_scoring_as_the_page_does(
    client, center_staff, evaluator, scored_by_two, commits
):
    batch, _item = scored_by_two
    client.force_login(evaluator)

    def api_comments():
        rows = client.get("/api/v1/evaluation/scores/", {"batch": batch.pk}).json()["results"]
        return sorted((row["comment"], row["total"]) for row in rows)

    assert api_comments() == [("我的意见", "70.00")]
    with commits():
        batch_request_selection(batch=batch, acting_user=center_staff)
    # Once scoring is over, the co-evaluators' scores are open to the batch's evaluators.
    assert api_comments() == [("别人的意见", "90.00"), ("我的意见", "70.00")]


def test_an_evaluator_sees_exactly_the_achievements_of_their_batches(
    center_staff, evaluator, outside_evaluator
):
    from achievements.models import Achievement

    mine, theirs = submitted(title="我的批次成果"), submitted(title="其他批次成果")
    submitted(title="不在任何批次")
    make_batch(staff=center_staff, evaluators=[evaluator], achievements=[mine])
    make_batch(
        staff=center_staff,
        evaluators=[evaluator, outside_evaluator],
        name="第二批",
        achievements=[theirs],
    )
    make_batch(staff=center_staff, evaluators=[evaluator], name="第三批")
    assert sorted(Achievement.objects.visible_to(evaluator).values_list("title", flat=True)) == [
        "其他批次成果",
        "我的批次成果",
    ]
    assert list(
        Achievement.objects.visible_to(outside_evaluator).values_list("title", flat=True)
    ) == ["其他批次成果"]
