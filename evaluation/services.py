"""Every write of the evaluation app, one function per business action (`<noun>_<verb>`).

State changes lock the row, check the allowed transition and save with the acting user, so the
history table records who changed what and when; notifications go out after the commit.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from achievements.choices import AchievementStatus, ServiceRoute
from achievements.models import Achievement
from achievements.selectors.discovery import liaisons_of
from achievements.services.core import achievement_enter_service_library
from kernel.exceptions import Refused
from kernel.transitions import refusal_message, transition
from kernel.wording import list_separator
from towns.choices import Role
from towns.models import User
from towns.outbox import outbox_enqueue
from towns.services import notification_send

from .choices import (
    BatchStatus,
    Criterion,
    Decision,
    ReviewStatus,
    ThreeHave,
    ValuationStatus,
)
from .models import (
    Batch,
    BatchCriterion,
    BatchItem,
    FastTrackReview,
    Recommendation,
    Score,
    ScoringItem,
    SubScore,
    Valuation,
)
from .selectors import fast_track_due_on

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
# Each criterion starts with one sub-item of its own name; all weights equal.
EQUAL_WEIGHT = Decimal(1)


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _notify(**kwargs) -> None:
    # In the same transaction as the change it tells of: both are saved, or neither.
    notification_send(**kwargs)


def _save(obj, acting_user, *, reason: str = "", update_fields=None) -> None:
    obj._history_user = acting_user
    if reason:
        obj._change_reason = reason[:100]
    obj.save(update_fields=update_fields)


def _locked(model, pk):
    return model.objects.select_for_update().get(pk=pk)


def _refuse(current_label, message: str):
    raise Refused(refusal_message(current_label, refusal=message))


# --- Batches ------------------------------------------------------------------------------------


@transaction.atomic
def batch_create(
    *,
    year: int,
    name: str,
    institution: str,
    threshold: Decimal,
    evaluators: Iterable[User],
    acting_user: User,
    note: str = "",
) -> Batch:
    """A new scoring batch with the three criteria weighted equally."""
    batch = Batch(
        year=year,
        name=name,
        institution=institution,
        threshold=threshold,
        note=note,
        created_by=acting_user,
    )
    batch.full_clean()
    _save(batch, acting_user)
    for order, criterion in enumerate(Criterion, start=1):
        row = BatchCriterion.objects.create(
            batch=batch, criterion=criterion, order=order, weight=EQUAL_WEIGHT
        )
        ScoringItem.objects.create(
            criterion=row, order=1, name=str(criterion.label), weight=EQUAL_WEIGHT
        )
    evaluators = list(evaluators)
    _check_evaluators(evaluators)
    batch.evaluators.set(evaluators)
    _notify_evaluators(batch, evaluators)
    return batch


def _check_evaluators(evaluators: list[User]) -> None:
    if not evaluators:
        raise ValidationError({"evaluators": _("请至少选择一位评审专家。")})
    wrong = [u.display_name for u in evaluators if u.role != Role.EVALUATOR]
    if wrong:
        raise ValidationError(
            {
                "evaluators": _("以下人员不是评审专家：%(names)s")
                % {"names": list_separator().join(wrong)}
            }
        )


def _notify_evaluators(batch: Batch, evaluators: list[User]) -> None:
    if evaluators:
        _notify(
            recipients=evaluators,
            kind="evaluation_batch_assigned",
            title=_("请参加评价批次“%(batch)s”的评分") % {"batch": batch},
            body=_("评价机构：%(institution)s。请在平台上逐项评分并填写评审意见。")
            % {"institution": batch.institution},
            url=reverse("evaluation:batch_detail", args=[batch.pk]),
        )


@transaction.atomic
def batch_update(
    *,
    batch: Batch,
    acting_user: User,
    name: str,
    institution: str,
    threshold: Decimal,
    evaluators: Iterable[User],
    note: str = "",
) -> Batch:
    """Change a batch's basics and evaluators; an evaluator who scored stays in the batch."""
    locked = _locked(Batch, batch.pk)
    if locked.status == BatchStatus.CONFIRMED:
        _refuse(locked.get_status_display(), _("不能再修改批次。"))
    evaluators = list(evaluators)
    _check_evaluators(evaluators)
    before = set(locked.evaluators.values_list("pk", flat=True))
    removed = before - {u.pk for u in evaluators}
    scored = (
        User.objects.filter(pk__in=removed, evaluation_scores__item__batch=locked)
        .distinct()
        .order_by("username")
    )
    if scored:
        raise ValidationError(
            {
                "evaluators": _("%(names)s 已经评分，不能移出本批次。")
                % {"names": list_separator().join(u.display_name for u in scored)}
            }
        )
    threshold_changed = locked.threshold != threshold
    locked.name, locked.institution, locked.threshold, locked.note = (
        name,
        institution,
        threshold,
        note,
    )
    locked.full_clean()
    _save(locked, acting_user)
    if threshold_changed and locked.status == BatchStatus.PROPOSED:
        # The proposal depends on the threshold: recompute it.
        locked = transition(locked, to=BatchStatus.SELECTING, acting_user=acting_user)
        _queue_selection(locked.pk)
    locked.evaluators.set(evaluators)
    _notify_evaluators(locked, [u for u in evaluators if u.pk not in before])
    return locked


@transaction.atomic
def batch_set_criteria(
    *,
    batch: Batch,
    acting_user: User,
    weights: dict[str, Decimal],
    items: dict[str, list[tuple[str, Decimal]]],
) -> Batch:
    """Set the weight of each criterion and its sub-items, before anyone has scored."""
    locked = _locked(Batch, batch.pk)
    if locked.status != BatchStatus.SCORING:
        _refuse(locked.get_status_display(), _("不能修改评分细则。"))
    if Score.objects.filter(item__batch=locked).exists():
        raise ValidationError(_("已有专家评分，不能再修改评分细则。"))
    for criterion in locked.criteria.all():
        code = criterion.criterion
        rows = items.get(code) or []
        if not rows:
            raise ValidationError(
                _("“%(criterion)s”至少需要一个评分子项。")
                % {"criterion": criterion.get_criterion_display()}
            )
        names = [name for name, _weight in rows]
        if len(set(names)) != len(names):
            raise ValidationError(
                _("“%(criterion)s”的子项名称不能重复。")
                % {"criterion": criterion.get_criterion_display()}
            )
        if weights[code] <= 0 or any(weight <= 0 for _name, weight in rows):
            raise ValidationError(_("权重必须大于 0。"))
        criterion.weight = weights[code]
        criterion.save(update_fields=["weight"])
        criterion.items.all().delete()
        bulk_create_with_history(
            [
                ScoringItem(criterion=criterion, order=order, name=name, weight=weight)
                for order, (name, weight) in enumerate(rows, start=1)
            ],
            ScoringItem,
        )
    _save(locked, acting_user, reason=_("修改评分细则"))
    return locked


@transaction.atomic
def batch_add_achievements(
    *, batch: Batch, achievements: Iterable[Achievement], acting_user: User
) -> int:
    """Add discovery-library achievements to a batch that is scoring; returns how many."""
    locked = _locked(Batch, batch.pk)
    if locked.status != BatchStatus.SCORING:
        _refuse(locked.get_status_display(), _("不能再添加成果。"))
    wanted = {a.pk: a for a in achievements}
    problems = []
    for achievement in Achievement.objects.filter(pk__in=wanted).exclude(
        status=AchievementStatus.SUBMITTED
    ):
        problems.append(
            _("“%(title)s”的状态为“%(status)s”，只有发现库中的成果可以参加评价。")
            % {"title": achievement.title, "status": achievement.get_status_display()}
        )
    pending = (
        BatchItem.objects.filter(achievement_id__in=wanted, decision=Decision.PENDING)
        .exclude(batch=locked)
        .select_related("batch", "achievement")
    )
    for item in pending:
        problems.append(
            _("“%(title)s”已在评价批次“%(batch)s”中，尚未确认结果。")
            % {"title": item.achievement.title, "batch": item.batch}
        )
    if problems:
        raise ValidationError(problems)
    present = set(locked.items.values_list("achievement_id", flat=True))
    new = [
        BatchItem(batch=locked, achievement_id=pk, added_by=acting_user)
        for pk in wanted
        if pk not in present
    ]
    bulk_create_with_history(new, BatchItem)
    return len(new)


@transaction.atomic
def batch_item_remove(*, item: BatchItem, acting_user: User) -> None:
    locked = _locked(Batch, item.batch_id)
    if locked.status != BatchStatus.SCORING:
        _refuse(locked.get_status_display(), _("不能再移出成果。"))
    if item.scores.exists():
        raise ValidationError(_("已有专家评分的成果不能移出批次。"))
    item._history_user = acting_user
    item.delete()


# --- Scores -------------------------------------------------------------------------------------


def _weighted_mean(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    pairs = list(pairs)
    return sum(value * weight for value, weight in pairs) / sum(weight for _v, weight in pairs)


@transaction.atomic
def score_submit(
    *,
    item: BatchItem,
    acting_user: User,
    values: dict[int, Decimal],
    haves: Iterable[str],
    comment: str,
) -> Score:
    """An evaluator scores (or rescores) one achievement of their batch while it is scoring."""
    batch = _locked(Batch, item.batch_id)
    if batch.status != BatchStatus.SCORING:
        _refuse(batch.get_status_display(), _("不能再评分。"))
    if not batch.evaluators.filter(pk=acting_user.pk).exists():
        raise ValidationError(_("您不是本批次的评审专家。"))
    if not comment.strip():
        raise ValidationError({"comment": _("请填写评审意见。")})
    haves = set(haves)
    criteria = list(batch.criteria.prefetch_related("items"))
    criterion_scores = {}
    sub_scores = []
    for criterion in criteria:
        pairs = []
        for scoring_item in criterion.items.all():
            value = values.get(scoring_item.pk)
            if value is None or not (0 <= value <= 100):
                raise ValidationError(
                    _("“%(item)s”的得分应在 0 到 100 之间。") % {"item": scoring_item.name}
                )
            pairs.append((value, scoring_item.weight))
            sub_scores.append((scoring_item, value))
        criterion_scores[criterion.criterion] = _weighted_mean(pairs)
    total = _weighted_mean(
        (criterion_scores[criterion.criterion], criterion.weight) for criterion in criteria
    )
    score = Score.objects.filter(item=item, evaluator=acting_user).first() or Score(
        item=item, evaluator=acting_user
    )
    for code, value in criterion_scores.items():
        setattr(score, code, _round(value))
    score.total = _round(total)
    score.market_demand = ThreeHave.MARKET_DEMAND in haves
    score.innovation_value = ThreeHave.INNOVATION_VALUE in haves
    score.economic_contribution = ThreeHave.ECONOMIC_CONTRIBUTION in haves
    score.comment = comment.strip()
    _save(score, acting_user)
    score.sub_scores.all().delete()
    bulk_create_with_history(
        [
            SubScore(score=score, scoring_item=scoring_item, value=value)
            for scoring_item, value in sub_scores
        ],
        SubScore,
    )
    return score


# --- Selection ----------------------------------------------------------------------------------


def _queue_selection(batch_id: int) -> None:
    from .tasks import task_batch_select

    outbox_enqueue(task_batch_select, batch_id=batch_id)


@transaction.atomic
def batch_request_selection(*, batch: Batch, acting_user: User) -> Batch:
    """Staff start the selection; the Celery task computes it."""

    def has_items(locked: Batch) -> None:
        if not locked.items.exists():
            raise ValidationError(_("批次中还没有成果。"))

    locked = transition(
        batch,
        to=BatchStatus.SELECTING,
        acting_user=acting_user,
        reason=_("发起遴选"),
        refusal=_("不能发起遴选。"),
        check=has_items,
        selection_requested_by=acting_user,
    )
    _queue_selection(locked.pk)
    return locked


def _combined(scores: list[dict]) -> dict:
    """Mean of the evaluators' weighted totals, the spread, and the “3有” held by a majority."""
    count = len(scores)
    totals = [row["total"] for row in scores]
    majority = {
        code: sum(1 for row in scores if row[code]) * 2 > count for code in ThreeHave.values
    }
    return {
        "scorer_count": count,
        "mean_total": _round(sum(totals) / count),
        "spread": max(totals) - min(totals),
        "has_market_demand": majority[ThreeHave.MARKET_DEMAND],
        "has_innovation_value": majority[ThreeHave.INNOVATION_VALUE],
        "has_economic_contribution": majority[ThreeHave.ECONOMIC_CONTRIBUTION],
    }


RESULT_FIELDS = [
    "scorer_count",
    "mean_total",
    "spread",
    "has_market_demand",
    "has_innovation_value",
    "has_economic_contribution",
    "rank",
    "proposed",
]


@transaction.atomic
def batch_compute_selection(*, batch: Batch) -> Batch | None:
    """Weighted totals, ranks and the proposed selection. Running it again gives the same
    result and creates nothing; a batch not waiting for (or showing) a selection is left alone."""
    locked = _locked(Batch, batch.pk)
    if locked.status not in (BatchStatus.SELECTING, BatchStatus.PROPOSED):
        logger.info("batch %s is %s: selection not recomputed", locked.pk, locked.status)
        return None
    by_item = defaultdict(list)
    rows = Score.objects.filter(item__batch=locked).values("item_id", "total", *ThreeHave.values)
    for row in rows:
        by_item[row["item_id"]].append(row)
    items = list(locked.items.all())
    for item in items:
        result = (
            _combined(by_item[item.pk])
            if by_item[item.pk]
            else {
                "scorer_count": 0,
                "mean_total": None,
                "spread": None,
                "has_market_demand": False,
                "has_innovation_value": False,
                "has_economic_contribution": False,
            }
        )
        for name, value in result.items():
            setattr(item, name, value)
    scored = sorted(
        (item for item in items if item.mean_total is not None),
        key=lambda item: (-item.mean_total, item.pk),
    )
    # Standard competition ranking: equal totals share a rank (1, 2, 2, 4).
    previous, rank = None, 0
    for position, item in enumerate(scored, start=1):
        if item.mean_total != previous:
            rank, previous = position, item.mean_total
        item.rank = rank
    for item in items:
        if item.mean_total is None:
            item.rank = None
        item.proposed = item.mean_total is not None and (
            item.has_all_three and item.mean_total >= locked.threshold
        )
    bulk_update_with_history(items, BatchItem, RESULT_FIELDS)
    first_run = locked.status == BatchStatus.SELECTING
    locked = transition(
        locked,
        to=BatchStatus.PROPOSED,
        acting_user=locked.selection_requested_by,
        reason=_("遴选计算完成"),
        selection_computed_at=timezone.now(),
    )
    if first_run and locked.selection_requested_by_id:
        _notify(
            recipients=[locked.selection_requested_by],
            kind="evaluation_selection_ready",
            title=_("评价批次“%(batch)s”的拟入选名单已生成") % {"batch": locked},
            body=_("共 %(n)d 项成果，拟入选 %(p)d 项，请确认。")
            % {"n": len(items), "p": sum(1 for item in items if item.proposed)},
            url=reverse("evaluation:batch_confirm", args=[locked.pk]),
        )
    return locked


@transaction.atomic
def batch_reopen(*, batch: Batch, acting_user: User) -> Batch:
    """Back to scoring (e.g. an evaluator must still score): the proposal is cleared."""
    locked = transition(
        batch,
        to=BatchStatus.SCORING,
        acting_user=acting_user,
        reason=_("重新开放评分"),
        refusal=_("不能重新开放评分。"),
        check=lambda locked: locked.items.update(rank=None, proposed=False),
    )
    return locked


@transaction.atomic
def batch_confirm(
    *, batch: Batch, acting_user: User, decisions: dict[int, tuple[bool, str]]
) -> Batch:
    """Staff confirm the selection: the selected enter the service library; the others stay in
    the discovery library with the reason, which their liaison can read."""
    locked = _locked(Batch, batch.pk)
    if locked.status != BatchStatus.PROPOSED:
        _refuse(locked.get_status_display(), _("不能确认入选名单。"))
    items = list(locked.items.select_related("achievement__liaison"))
    missing = [item for item in items if item.pk not in decisions]
    if missing:
        raise ValidationError(_("请对批次中的每一项成果给出确认结果。"))
    now = timezone.now()
    for item in items:
        selected, reason = decisions[item.pk]
        reason = (reason or "").strip()
        if not selected and not reason:
            raise ValidationError(
                _("请填写“%(title)s”的未入选原因。") % {"title": item.achievement.title}
            )
        item.decision = Decision.SELECTED if selected else Decision.NOT_SELECTED
        item.reason = "" if selected else reason
        item.decided_by, item.decided_at = acting_user, now
        _save(item, acting_user)
        achievement = item.achievement
        if selected and achievement.status == AchievementStatus.SUBMITTED:
            achievement_enter_service_library(
                achievement,
                route=ServiceRoute.EVALUATION,
                acting_user=acting_user,
                reason=_("%(batch)s 入选") % {"batch": locked},
            )
        _notify_decision(item, locked)
    return transition(
        locked,
        to=BatchStatus.CONFIRMED,
        acting_user=acting_user,
        reason=_("确认入选名单"),
        refusal=_("不能确认入选名单。"),
        confirmed_by=acting_user,
        confirmed_at=now,
    )


def _notify_decision(item: BatchItem, batch: Batch) -> None:
    achievement = item.achievement
    url = reverse("evaluation:achievement_evaluation", args=[achievement.pk])
    if item.decision == Decision.SELECTED:
        _notify(
            recipients=liaisons_of(achievement),
            kind="evaluation_selected",
            title=_("“%(title)s”经常规入库评价进入成果服务库") % {"title": achievement.title},
            body=_("评价批次：%(batch)s。服务中心将安排责任人跟进落地。") % {"batch": batch},
            url=url,
        )
    else:
        _notify(
            recipients=liaisons_of(achievement),
            kind="evaluation_not_selected",
            title=_("“%(title)s”本批次未入选成果服务库") % {"title": achievement.title},
            body=_("评价批次：%(batch)s。原因：%(reason)s 成果仍保留在发现库中。")
            % {"batch": batch, "reason": item.reason},
            url=url,
        )


# --- Direct recommendation ----------------------------------------------------------------------


@transaction.atomic
def recommendation_create(
    *,
    achievement: Achievement,
    recommender_kind: str,
    recommender_name: str,
    letter,
    letter_date: date,
    reason: str,
    acting_user: User,
) -> Recommendation:
    """A written recommendation puts the achievement straight into the service library."""
    if Recommendation.objects.filter(achievement=achievement).exists():
        raise ValidationError(_("该成果已登记过重点入库推荐。"))
    recommendation = Recommendation(
        achievement=achievement,
        recommender_kind=recommender_kind,
        recommender_name=recommender_name,
        letter=letter,
        letter_date=letter_date,
        reason=reason,
        created_by=acting_user,
    )
    recommendation.full_clean()
    achievement_enter_service_library(
        achievement,
        route=ServiceRoute.RECOMMENDATION,
        acting_user=acting_user,
        reason=_("%(name)s 重点推荐") % {"name": recommender_name},
    )
    _save(recommendation, acting_user)
    _notify(
        recipients=liaisons_of(achievement),
        kind="evaluation_recommended",
        title=_("“%(title)s”经重点推荐进入成果服务库") % {"title": achievement.title},
        body=_("推荐单位：%(name)s。") % {"name": recommender_name},
        url=reverse("evaluation:achievement_evaluation", args=[achievement.pk]),
    )
    return recommendation


# --- Fast-track review --------------------------------------------------------------------------

FAST_TRACK_STATUSES = (AchievementStatus.SUBMITTED, AchievementStatus.SERVICE)


@transaction.atomic
def fast_track_review_open(
    *,
    achievement: Achievement,
    reviewer: User,
    acting_user: User,
    request_note: str = "",
    opened_on: date | None = None,
) -> FastTrackReview:
    if achievement.status not in FAST_TRACK_STATUSES:
        raise ValidationError(
            _("只有发现库或服务库中的成果可以进行快速落地评价（当前状态：%(status)s）。")
            % {"status": achievement.get_status_display()}
        )
    if reviewer.role not in (Role.CENTER_STAFF, Role.ADMIN):
        raise ValidationError({"reviewer": _("承办人应为服务中心工作人员。")})
    opened_on = opened_on or timezone.localdate()
    review = FastTrackReview(
        achievement=achievement,
        reviewer=reviewer,
        request_note=request_note,
        opened_on=opened_on,
        due_on=fast_track_due_on(opened_on),
        created_by=acting_user,
    )
    try:
        with transaction.atomic():
            _save(review, acting_user)
    except IntegrityError:
        raise ValidationError(_("该成果已有进行中的快速落地评价。")) from None
    _notify(
        recipients=[reviewer],
        kind="fast_track_assigned",
        title=_("请在 %(due)s 前完成“%(title)s”的快速落地评价")
        % {"due": f"{review.due_on:%Y-%m-%d}", "title": achievement.title},
        body=review.request_note,
        url=reverse("evaluation:review_detail", args=[review.pk]),
    )
    return review


@transaction.atomic
def fast_track_review_complete(
    *,
    review: FastTrackReview,
    acting_user: User,
    policy_suggestion: str,
    policy_support_amount: Decimal,
    carrier_suggestion: str,
    carrier_name: str,
    carrier_area: Decimal,
    landing_form: str,
    form_suggestion: str,
    expected_investment: Decimal | None,
    expected_months: int,
) -> FastTrackReview:
    """The result: concrete, quantified suggestions on policy, carrier and landing form."""
    locked = transition(
        review,
        to=ReviewStatus.COMPLETED,
        acting_user=acting_user,
        reason=_("出具快速落地评价意见"),
        refusal=_("不能再出具意见。"),
        clean=True,
        policy_suggestion=policy_suggestion,
        policy_support_amount=policy_support_amount,
        carrier_suggestion=carrier_suggestion,
        carrier_name=carrier_name,
        carrier_area=carrier_area,
        landing_form=landing_form,
        form_suggestion=form_suggestion,
        expected_investment=expected_investment,
        expected_months=expected_months,
        completed_by=acting_user,
        completed_at=timezone.now(),
    )
    _notify(
        recipients=liaisons_of(locked.achievement),
        kind="fast_track_completed",
        title=_("“%(title)s”的快速落地评价意见已出具") % {"title": locked.achievement.title},
        url=reverse("evaluation:review_detail", args=[locked.pk]),
    )
    return locked


def fast_track_reviews_remind(*, today: date | None = None) -> int:
    """Remind the person in charge of each open review due within two days or overdue — once
    a day: the row is claimed by a conditional update, so a re-run reminds nobody twice."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.FAST_TRACK_DUE_SOON_DAYS)
    due = FastTrackReview.objects.filter(status=ReviewStatus.OPEN, due_on__lte=soon).filter(
        Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today)
    )
    sent = 0
    for review in due.select_related("achievement", "reviewer"):
        with transaction.atomic():
            claimed = (
                FastTrackReview.objects.filter(pk=review.pk, status=ReviewStatus.OPEN)
                .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today))
                .update(last_reminded_on=today)
            )
            if not claimed:
                continue
            if review.due_on < today:
                title = _("快速落地评价已逾期 %(days)d 天：%(title)s") % {
                    "days": (today - review.due_on).days,
                    "title": review.achievement.title,
                }
                kind = "fast_track_overdue"
            else:
                title = _("快速落地评价将于 %(due)s 到期：%(title)s") % {
                    "due": f"{review.due_on:%Y-%m-%d}",
                    "title": review.achievement.title,
                }
                kind = "fast_track_due"
            _notify(
                recipients=[review.reviewer],
                kind=kind,
                title=title,
                url=reverse("evaluation:review_detail", args=[review.pk]),
            )
            sent += 1
    return sent


# --- Valuation ----------------------------------------------------------------------------------


@transaction.atomic
def valuation_request(
    *,
    achievement: Achievement,
    agency: str,
    requested_on: date,
    acting_user: User,
    request_note: str = "",
) -> Valuation:
    """Commission a fair-value valuation from a named agency."""
    if not achievement.is_discovered:
        raise ValidationError(_("只有发现库或服务库中的成果可以委托公允价值评价。"))
    valuation = Valuation(
        achievement=achievement,
        agency=agency,
        requested_on=requested_on,
        request_note=request_note,
        created_by=acting_user,
    )
    valuation.full_clean()
    _save(valuation, acting_user)
    return valuation


@transaction.atomic
def valuation_start(*, valuation: Valuation, acting_user: User) -> Valuation:
    return transition(
        valuation,
        to=ValuationStatus.IN_PROGRESS,
        acting_user=acting_user,
        reason=_("开始评估"),
        refusal=_("不能标记为评估中。"),
    )


@transaction.atomic
def valuation_complete(
    *, valuation: Valuation, acting_user: User, report, value: Decimal, valued_on: date
) -> Valuation:
    """The agency's report arrived: its value and date are recorded with it."""
    locked = transition(
        valuation,
        to=ValuationStatus.COMPLETED,
        acting_user=acting_user,
        reason=_("登记评估报告"),
        refusal=_("不能登记评估报告。"),
        clean=True,
        report=report,
        value=value,
        valued_on=valued_on,
    )
    _notify(
        recipients=liaisons_of(locked.achievement),
        kind="valuation_completed",
        title=_("“%(title)s”的公允价值评估报告已出具") % {"title": locked.achievement.title},
        body=_("评估机构：%(agency)s。报告免费提供给成果持有方。") % {"agency": locked.agency},
        url=reverse("evaluation:valuation_detail", args=[locked.pk]),
    )
    return locked


@transaction.atomic
def valuation_cancel(*, valuation: Valuation, acting_user: User, reason: str) -> Valuation:

    def reason_given(locked: Valuation) -> None:
        if not reason.strip():
            raise ValidationError({"cancel_reason": _("请填写撤销原因。")})

    return transition(
        valuation,
        to=ValuationStatus.CANCELLED,
        acting_user=acting_user,
        reason=_("撤销委托"),
        refusal=_("不能撤销。"),
        check=reason_given,
        cancel_reason=reason.strip(),
    )
