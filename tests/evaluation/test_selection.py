from decimal import Decimal

import pytest
from django.urls import reverse

from achievements.choices import AchievementStatus, ServiceRoute
from achievements.models import AchievementTransition
from evaluation.choices import BatchStatus, Decision
from evaluation.models import BatchItem, Score
from evaluation.tasks import task_batch_select
from towns.models import Notification

from .factories import give_score, item_of, make_batch, submitted

pytestmark = pytest.mark.django_db


def run_selection(client, batch):
    response = client.post(reverse("evaluation:batch_select", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    return batch


def test_selection_combines_the_evaluators_ranks_and_proposes_at_the_threshold(
    client, center_staff, evaluator, evaluator_b
):
    at_line, below, top, missing_have, unscored = (
        submitted(title="正好达线"),
        submitted(title="差一分"),
        submitted(title="最高分"),
        submitted(title="缺一有"),
        submitted(title="无人评分"),
    )
    batch = make_batch(
        staff=center_staff,
        evaluators=[evaluator, evaluator_b],
        achievements=[at_line, below, top, missing_have, unscored],
        threshold="70",
    )
    # Mean of 65 and 75 is exactly the threshold of 70; the spread is 10.
    give_score(item_of(batch, at_line), evaluator, 65)
    give_score(item_of(batch, at_line), evaluator_b, 75)
    give_score(item_of(batch, below), evaluator, "69.99")
    give_score(item_of(batch, below), evaluator_b, "69.99")
    give_score(item_of(batch, top), evaluator, 90)
    give_score(item_of(batch, top), evaluator_b, 92)
    # High total, but only one of two evaluators sees an economic contribution: no majority.
    give_score(item_of(batch, missing_have), evaluator, 95)
    give_score(
        item_of(batch, missing_have),
        evaluator_b,
        95,
        haves=["market_demand", "innovation_value"],
    )

    client.force_login(center_staff)
    batch = run_selection(client, batch)
    assert batch.status == BatchStatus.PROPOSED

    rows = {
        item.achievement.title: (
            item.mean_total,
            item.spread,
            item.rank,
            item.has_all_three,
            item.proposed,
        )
        for item in BatchItem.objects.filter(batch=batch).select_related("achievement")
    }
    assert rows == {
        "缺一有": (Decimal("95.00"), Decimal("0.00"), 1, False, False),
        "最高分": (Decimal("91.00"), Decimal("2.00"), 2, True, True),
        "正好达线": (Decimal("70.00"), Decimal("10.00"), 3, True, True),
        "差一分": (Decimal("69.99"), Decimal("0.00"), 4, True, False),
        "无人评分": (None, None, None, False, False),
    }
    notice = Notification.objects.get(kind="evaluation_selection_ready")
    assert notice.recipient == center_staff
    assert notice.title == "评价批次“2025 · 2025年第一批常规入库评价”的拟入选名单已生成"


def test_equal_totals_share_a_rank(center_staff, evaluator, commits):
    a, b, c = submitted(), submitted(), submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[a, b, c])
    for achievement, value in ((a, 80), (b, 80), (c, 70)):
        give_score(item_of(batch, achievement), evaluator, value)
    from evaluation.services import batch_request_selection

    with commits():
        batch_request_selection(batch=batch, acting_user=center_staff)
    assert [item_of(batch, x).rank for x in (a, b, c)] == [1, 1, 3]


def test_rerunning_the_selection_task_gives_the_same_result_and_creates_nothing(
    client, center_staff, evaluator
):
    achievements = [submitted() for _ in range(3)]
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=achievements)
    for value, achievement in zip((88, 72, 50), achievements, strict=True):
        give_score(item_of(batch, achievement), evaluator, value)
    client.force_login(center_staff)
    run_selection(client, batch)

    def snapshot():
        return (
            list(
                BatchItem.objects.filter(batch=batch)
                .order_by("pk")
                .values_list("mean_total", "spread", "rank", "proposed", "decision")
            ),
            BatchItem.objects.count(),
            Score.objects.count(),
            Notification.objects.count(),
            AchievementTransition.objects.count(),
        )

    before = snapshot()
    task_batch_select.delay(batch_id=batch.pk)
    task_batch_select.delay(batch_id=batch.pk)
    assert snapshot() == before
    assert before[0] == [
        (Decimal("88.00"), Decimal("0.00"), 1, True, "pending"),
        (Decimal("72.00"), Decimal("0.00"), 2, True, "pending"),
        (Decimal("50.00"), Decimal("0.00"), 3, False, "pending"),
    ]


def test_the_task_leaves_a_confirmed_batch_alone(client, center_staff, evaluator):
    achievement = submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    give_score(item_of(batch, achievement), evaluator, 80)
    client.force_login(center_staff)
    run_selection(client, batch)
    item = item_of(batch, achievement)
    client.post(
        reverse("evaluation:batch_confirm", args=[batch.pk]),
        {f"select-{item.pk}": "on", f"reason-{item.pk}": ""},
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED
    task_batch_select.delay(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED


def test_confirm_puts_the_selected_into_the_service_library_and_tells_the_others_why(
    client, center_staff, evaluator, liaison
):
    chosen = submitted(title="入选成果", liaison=liaison)
    rejected = submitted(title="落选成果", liaison=liaison)
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[chosen, rejected])
    give_score(item_of(batch, chosen), evaluator, 85)
    give_score(item_of(batch, rejected), evaluator, 60, haves=["market_demand"])
    client.force_login(center_staff)
    run_selection(client, batch)

    page = client.get(reverse("evaluation:batch_confirm", args=[batch.pk])).content.decode()
    default_reason = (
        "综合得分未达到本批次入选分数线；评审专家认为尚不满足“有创新价值”“有经济贡献”。"
    )
    assert default_reason in page

    good, bad = item_of(batch, chosen), item_of(batch, rejected)
    response = client.post(
        reverse("evaluation:batch_confirm", args=[batch.pk]),
        {
            f"select-{good.pk}": "on",
            f"reason-{good.pk}": "",
            f"reason-{bad.pk}": default_reason,
        },
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    chosen.refresh_from_db()
    rejected.refresh_from_db()
    assert (batch.status, batch.confirmed_by) == (BatchStatus.CONFIRMED, center_staff)
    assert (chosen.status, chosen.service_route) == (
        AchievementStatus.SERVICE,
        ServiceRoute.EVALUATION,
    )
    assert chosen.service_entered_at is not None
    transition = AchievementTransition.objects.get(achievement=chosen)
    assert (transition.from_status, transition.to_status, transition.actor) == (
        "submitted",
        "service",
        center_staff,
    )
    assert rejected.status == AchievementStatus.SUBMITTED
    bad.refresh_from_db()
    assert (bad.decision, bad.reason) == (Decision.NOT_SELECTED, default_reason)

    # The liaison is told, and reads the reason but never a score.
    notice = Notification.objects.get(recipient=liaison, kind="evaluation_not_selected")
    assert notice.title == "“落选成果”本批次未入选成果服务库"
    assert default_reason in notice.body
    assert Notification.objects.filter(recipient=liaison, kind="evaluation_selected").count() == 1
    client.force_login(liaison)
    page = client.get(
        reverse("evaluation:achievement_evaluation", args=[rejected.pk])
    ).content.decode()
    assert default_reason in page
    assert "60.00" not in page and "排名第" not in page and "技术先进，市场明确" not in page


def test_not_selected_needs_a_reason(client, center_staff, evaluator):
    achievement = submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    give_score(item_of(batch, achievement), evaluator, 50)
    client.force_login(center_staff)
    run_selection(client, batch)
    item = item_of(batch, achievement)
    response = client.post(
        reverse("evaluation:batch_confirm", args=[batch.pk]), {f"reason-{item.pk}": " "}
    )
    assert "请填写未入选原因。" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PROPOSED


def test_confirm_twice_is_refused(center_staff, evaluator, commits):
    from django.core.exceptions import ValidationError

    from evaluation.services import batch_confirm, batch_request_selection

    achievement = submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    give_score(item_of(batch, achievement), evaluator, 80)
    with commits():
        batch_request_selection(batch=batch, acting_user=center_staff)
    item = item_of(batch, achievement)
    batch_confirm(batch=batch, acting_user=center_staff, decisions={item.pk: (True, "")})
    with pytest.raises(ValidationError) as error:
        batch_confirm(batch=batch, acting_user=center_staff, decisions={item.pk: (True, "")})
    assert error.value.messages == ["当前状态为“已确认”，不能确认入选名单。"]


def test_reopen_clears_the_proposal_and_allows_scoring_again(client, center_staff, evaluator):
    achievement = submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    give_score(item_of(batch, achievement), evaluator, 80)
    client.force_login(center_staff)
    run_selection(client, batch)
    client.post(reverse("evaluation:batch_reopen", args=[batch.pk]))
    batch.refresh_from_db()
    item = item_of(batch, achievement)
    assert (batch.status, item.rank, item.proposed) == (BatchStatus.SCORING, None, False)
    give_score(item, evaluator, 60)
    assert item.scores.get().total == Decimal("60.00")


def test_scoring_is_closed_once_selection_ran(client, center_staff, evaluator):
    achievement = submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    item = item_of(batch, achievement)
    give_score(item, evaluator, 80)
    client.force_login(center_staff)
    run_selection(client, batch)
    client.force_login(evaluator)
    ids = [i.pk for c in batch.criteria.all() for i in c.items.all()]
    response = client.post(
        reverse("evaluation:score_item", args=[batch.pk, item.pk]),
        {**{f"item-{pk}": "10" for pk in ids}, "comment": "改分"},
    )
    assert "不能再评分" in response.content.decode()
    assert item.scores.get().total == Decimal("80.00")


@pytest.mark.parametrize("role", ["liaison", "leader", "evaluator"])
def test_only_staff_run_and_confirm_the_selection(client, center_staff, users_by_role, role):
    achievement = submitted()
    evaluator = users_by_role["evaluator"]
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    client.force_login(users_by_role[role])
    expected = 404 if role == "liaison" else 403
    assert client.post(reverse("evaluation:batch_select", args=[batch.pk])).status_code == expected
    assert client.get(reverse("evaluation:batch_confirm", args=[batch.pk])).status_code == expected
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SCORING


def test_the_batch_page_polls_while_the_selection_runs(client, center_staff, evaluator):
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[submitted()])
    batch.status = BatchStatus.SELECTING
    batch.save()
    client.force_login(center_staff)
    page = client.get(reverse("evaluation:batch_detail", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    poll = client.get(
        reverse("evaluation:batch_detail", args=[batch.pk]) + "?poll=1", HTTP_HX_REQUEST="true"
    )
    assert "正在计算加权总分" in poll.content.decode()
    batch.status = BatchStatus.PROPOSED
    batch.save()
    done = client.get(
        reverse("evaluation:batch_detail", args=[batch.pk]) + "?poll=1", HTTP_HX_REQUEST="true"
    )
    assert done["HX-Refresh"] == "true"
