from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.choices import BatchStatus, Criterion
from evaluation.models import Batch, BatchCriterion, BatchItem, Score
from towns.models import Notification

from ..factories import AchievementFactory
from .factories import give_score, item_of, make_batch, submitted

pytestmark = pytest.mark.django_db


def test_staff_create_a_batch_with_equal_weights_and_evaluators_are_invited(
    client, center_staff, evaluator, evaluator_b
):
    client.force_login(center_staff)
    response = client.post(
        reverse("evaluation:batch_create"),
        {
            "year": 2025,
            "name": "2025年第一批常规入库评价",
            "institution": "广东省科技评估中心",
            "threshold": "75",
            "evaluators": [evaluator.pk, evaluator_b.pk],
            "note": "",
        },
    )
    batch = Batch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:batch_detail", args=[batch.pk])
    assert (batch.status, batch.threshold, batch.created_by) == (
        BatchStatus.SCORING,
        Decimal("75.00"),
        center_staff,
    )
    criteria = BatchCriterion.objects.filter(batch=batch).order_by("order")
    assert [(c.criterion, c.weight) for c in criteria] == [
        (Criterion.TECH_CONTENT, Decimal("1.00")),
        (Criterion.ECONOMIC_BENEFIT, Decimal("1.00")),
        (Criterion.CONVERSION_EFFICIENCY, Decimal("1.00")),
    ]
    assert [[i.name for i in c.items.all()] for c in criteria] == [
        ["科技含量"],
        ["经济效益"],
        ["转化效率"],
    ]
    invited = Notification.objects.filter(kind="evaluation_batch_assigned")
    assert sorted(n.recipient.username for n in invited) == ["expert_a", "expert_b"]
    page = client.get(response["Location"]).content.decode()
    assert "权重 33.3%" in page


def test_batch_form_refuses_a_missing_evaluator_and_a_threshold_over_100(client, center_staff):
    client.force_login(center_staff)
    response = client.post(
        reverse("evaluation:batch_create"),
        {"year": 2025, "name": "批次", "institution": "机构", "threshold": "120"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "该字段是必填项。" in content
    assert "确保该值小于或等于100。" in content
    assert not Batch.objects.exists()


@pytest.mark.parametrize("role", ["liaison", "leader", "evaluator", "enterprise", "broker"])
def test_only_staff_create_batches(client, users_by_role, role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("evaluation:batch_create")).status_code == 403


def test_each_evaluator_sees_only_their_batches(client, center_staff, evaluator, outside_evaluator):
    mine = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[submitted()])
    other = make_batch(
        staff=center_staff, evaluators=[outside_evaluator], name="2025年第二批", achievements=[]
    )
    client.force_login(evaluator)
    listing = client.get(reverse("evaluation:batch_list")).content.decode()
    assert mine.name in listing and other.name not in listing
    assert client.get(reverse("evaluation:batch_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("evaluation:batch_detail", args=[mine.pk])).status_code == 200


def test_staff_add_only_discovery_library_achievements(client, center_staff, evaluator):
    batch = make_batch(staff=center_staff, evaluators=[evaluator])
    eligible = submitted(title="可参评成果")
    draft = AchievementFactory(title="草稿成果", status="draft")
    client.force_login(center_staff)
    page = client.get(reverse("evaluation:batch_add_items", args=[batch.pk])).content.decode()
    assert "可参评成果" in page and "草稿成果" not in page

    response = client.post(
        reverse("evaluation:batch_add_items", args=[batch.pk]), {"achievements": [draft.pk]}
    )
    assert response.status_code == 200
    assert not BatchItem.objects.exists()

    response = client.post(
        reverse("evaluation:batch_add_items", args=[batch.pk]), {"achievements": [eligible.pk]}
    )
    assert response.status_code == 302
    assert list(batch.items.values_list("achievement__title", flat=True)) == ["可参评成果"]


def test_an_achievement_pending_in_one_batch_cannot_join_another(center_staff, evaluator):
    from django.core.exceptions import ValidationError

    from evaluation.services import batch_add_achievements

    achievement = submitted(title="抢手成果")
    make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    second = make_batch(staff=center_staff, evaluators=[evaluator], name="第二批")
    with pytest.raises(ValidationError) as error:
        batch_add_achievements(batch=second, achievements=[achievement], acting_user=center_staff)
    assert "已在评价批次“2025 · 2025年第一批常规入库评价”中" in error.value.messages[0]


def test_criteria_with_sub_items_and_weights_decide_the_weighted_total(
    client, center_staff, evaluator
):
    achievement = submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    client.force_login(center_staff)
    data = {
        "tech_content-weight": "40",
        "tech_content-name-0": "技术先进性",
        "tech_content-subweight-0": "3",
        "tech_content-name-1": "知识产权",
        "tech_content-subweight-1": "1",
        "economic_benefit-weight": "30",
        "economic_benefit-name-0": "市场前景",
        "economic_benefit-subweight-0": "1",
        "conversion_efficiency-weight": "30",
        "conversion_efficiency-name-0": "成熟度与团队",
        "conversion_efficiency-subweight-0": "1",
    }
    response = client.post(reverse("evaluation:batch_criteria", args=[batch.pk]), data)
    assert response.status_code == 302

    item = item_of(batch, achievement)
    items = {i.name: i for c in batch.criteria.all() for i in c.items.all()}
    client.force_login(evaluator)
    response = client.post(
        reverse("evaluation:score_item", args=[batch.pk, item.pk]),
        {
            f"item-{items['技术先进性'].pk}": "90",
            f"item-{items['知识产权'].pk}": "50",
            f"item-{items['市场前景'].pk}": "70",
            f"item-{items['成熟度与团队'].pk}": "60",
            "haves": ["market_demand", "innovation_value"],
            "comment": "专利布局完整，量产工艺待验证。",
        },
    )
    assert response.status_code == 302
    score = Score.objects.get()
    # 科技含量 = (90×3 + 50×1)/4 = 80; total = 80×0.4 + 70×0.3 + 60×0.3 = 71.
    assert (score.tech_content, score.economic_benefit, score.conversion_efficiency) == (
        Decimal("80.00"),
        Decimal("70.00"),
        Decimal("60.00"),
    )
    assert score.total == Decimal("71.00")
    assert (score.market_demand, score.innovation_value, score.economic_contribution) == (
        True,
        True,
        False,
    )


def test_criteria_cannot_change_once_someone_scored(client, center_staff, evaluator):
    achievement = submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    give_score(item_of(batch, achievement), evaluator, 80)
    client.force_login(center_staff)
    response = client.post(
        reverse("evaluation:batch_criteria", args=[batch.pk]),
        {
            "tech_content-weight": "2",
            "tech_content-name-0": "科技含量",
            "tech_content-subweight-0": "1",
            "economic_benefit-weight": "1",
            "economic_benefit-name-0": "经济效益",
            "economic_benefit-subweight-0": "1",
            "conversion_efficiency-weight": "1",
            "conversion_efficiency-name-0": "转化效率",
            "conversion_efficiency-subweight-0": "1",
        },
    )
    assert "已有专家评分，不能再修改评分细则。" in response.content.decode()
    assert batch.criteria.get(criterion="tech_content").weight == Decimal("1.00")


def test_score_needs_every_sub_item_in_range_and_a_comment(client, center_staff, evaluator):
    achievement = submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    item = item_of(batch, achievement)
    ids = [i.pk for c in batch.criteria.all() for i in c.items.all()]
    client.force_login(evaluator)
    response = client.post(
        reverse("evaluation:score_item", args=[batch.pk, item.pk]),
        {f"item-{ids[0]}": "101", f"item-{ids[1]}": "80", "comment": ""},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "确保该值小于或等于100。" in content
    assert content.count("该字段是必填项。") == 2  # the third sub-item and the comment
    assert not Score.objects.exists()


def test_rescoring_replaces_the_evaluators_score(center_staff, evaluator):
    achievement = submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    item = item_of(batch, achievement)
    give_score(item, evaluator, 60)
    give_score(item, evaluator, 85)
    assert list(Score.objects.values_list("total", flat=True)) == [Decimal("85.00")]


def test_evaluators_outside_the_batch_cannot_score(
    client, center_staff, evaluator, outside_evaluator
):
    achievement = submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    item = item_of(batch, achievement)
    client.force_login(outside_evaluator)
    assert client.get(reverse("evaluation:score_item", args=[batch.pk, item.pk])).status_code == 404
    client.force_login(center_staff)
    assert client.get(reverse("evaluation:score_item", args=[batch.pk, item.pk])).status_code == 403


def test_saving_a_score_moves_to_the_next_unscored_achievement(client, center_staff, evaluator):
    first, second = submitted(title="甲"), submitted(title="乙")
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[first, second])
    one, two = item_of(batch, first), item_of(batch, second)
    ids = [i.pk for c in batch.criteria.all() for i in c.items.all()]
    client.force_login(evaluator)
    response = client.post(
        reverse("evaluation:score_item", args=[batch.pk, one.pk]),
        {**{f"item-{pk}": "75" for pk in ids}, "comment": "可以。", "haves": ["market_demand"]},
    )
    assert response["Location"] == reverse("evaluation:score_item", args=[batch.pk, two.pk])


def test_an_evaluator_who_scored_stays_in_the_batch(client, center_staff, evaluator, evaluator_b):
    achievement = submitted()
    batch = make_batch(
        staff=center_staff, evaluators=[evaluator, evaluator_b], achievements=[achievement]
    )
    give_score(item_of(batch, achievement), evaluator, 80)
    client.force_login(center_staff)
    response = client.post(
        reverse("evaluation:batch_edit", args=[batch.pk]),
        {
            "name": batch.name,
            "institution": batch.institution,
            "threshold": "70",
            "evaluators": [evaluator_b.pk],
        },
    )
    assert "已经评分，不能移出本批次。" in response.content.decode()
    assert set(batch.evaluators.all()) == {evaluator, evaluator_b}


def test_remove_an_unscored_achievement_from_the_batch(client, center_staff, evaluator):
    kept, removed = submitted(), submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[kept, removed])
    give_score(item_of(batch, kept), evaluator, 80)
    client.force_login(center_staff)
    client.post(
        reverse("evaluation:batch_item_remove", args=[batch.pk, item_of(batch, removed).pk])
    )
    client.post(reverse("evaluation:batch_item_remove", args=[batch.pk, item_of(batch, kept).pk]))
    assert list(batch.items.values_list("achievement", flat=True)) == [kept.pk]
