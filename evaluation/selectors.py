"""Reads of the evaluation app, scoped by each model's `visible_to(user)`."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.choices import AchievementStatus
from achievements.models import Achievement
from kernel.wording import clause_separator
from towns.choices import READ_ALL_ROLES, Role
from towns.policy import policy_int

from .choices import BatchStatus, Decision, ReviewStatus, ThreeHave
from .models import (
    Batch,
    BatchItem,
    FastTrackReview,
    Recommendation,
    Score,
    Valuation,
)


def batch_list(user) -> QuerySet[Batch]:
    return (
        Batch.objects.visible_to(user)
        .annotate(
            item_count=Count("items", distinct=True),
            evaluator_count=Count("evaluators", distinct=True),
            proposed_count=Count("items", filter=Q(items__proposed=True), distinct=True),
        )
        .order_by("-year", "-created_at", "-id")
    )


def batch_items(batch: Batch, *, user) -> QuerySet[BatchItem]:
    """The batch's achievements with the live combination of the scores given so far."""
    items = (
        BatchItem.objects.visible_to(user)
        .filter(batch=batch)
        .select_related("achievement__discovering_unit", "achievement__field")
        .annotate(
            live_count=Count("scores"),
            live_mean=Avg("scores__total"),
            live_spread=Max("scores__total") - Min("scores__total"),
        )
        .order_by(F("rank").asc(nulls_last=True), "pk")
    )
    if user.role == Role.EVALUATOR:
        items = items.prefetch_related(
            Prefetch("scores", queryset=Score.objects.filter(evaluator=user), to_attr="my_scores")
        )
    return items


@dataclass
class EvaluatorProgress:
    evaluator: object
    scored: int
    total: int

    @property
    def done(self) -> bool:
        return self.total > 0 and self.scored >= self.total


def evaluator_progress(batch: Batch) -> list[EvaluatorProgress]:
    total = batch.items.count()
    evaluators = batch.evaluators.annotate(
        scored=Count("evaluation_scores", filter=Q(evaluation_scores__item__batch=batch))
    ).order_by("username")
    return [EvaluatorProgress(e, e.scored, total) for e in evaluators]


def score_list(user) -> QuerySet[Score]:
    """The scores and comments this user may read: the one rule for pages and API alike.

    While a batch is scoring, an evaluator sees only their own scores of it: no anchoring on
    the co-evaluators' numbers or comments."""
    scores = Score.objects.visible_to(user)
    if user.is_authenticated and user.role == Role.EVALUATOR:
        scores = scores.filter(~Q(item__batch__status=BatchStatus.SCORING) | Q(evaluator=user))
    return scores


def item_scores(item: BatchItem, *, user) -> QuerySet[Score]:
    return (
        score_list(user)
        .filter(item=item)
        .select_related("evaluator")
        .prefetch_related("sub_scores__scoring_item")
        .order_by("evaluator__username")
    )


def next_unscored_item(batch: Batch, *, user, after: BatchItem | None = None) -> BatchItem | None:
    mine = Score.objects.filter(item=OuterRef("pk"), evaluator=user)
    rest = batch.items.filter(~Exists(mine)).order_by("pk")
    if after is not None:
        later = rest.filter(pk__gt=after.pk).first()
        if later is not None:
            return later
    return rest.first()


def eligible_for_batch(batch: Batch) -> QuerySet[Achievement]:
    """Discovery-library achievements not in this batch nor pending in another."""
    pending = BatchItem.objects.filter(achievement=OuterRef("pk")).filter(
        Q(batch=batch) | Q(decision=Decision.PENDING)
    )
    return (
        Achievement.objects.filter(status=AchievementStatus.SUBMITTED)
        .filter(~Exists(pending))
        .select_related("discovering_unit", "field")
    )


PICK_PAGE_SIZE = 10


def pickable_achievements(user, *, statuses):
    """Every achievement the user may pick for the action (the form validates against it)."""
    return (
        Achievement.objects.visible_to(user)
        .filter(status__in=statuses)
        .select_related("discovering_unit")
    )


def achievement_pick_page(user, *, statuses, query: str = "", page=1, selected=None):
    """One page of the picker's search (title, holder or discovering unit), newest first, and
    the picked achievement (shown first, whatever the page). A constant number of queries."""
    rows = pickable_achievements(user, statuses=statuses)
    if query:
        rows = rows.filter(
            Q(title__icontains=query)
            | Q(holder__icontains=query)
            | Q(discovering_unit__short_name__icontains=query)
        )
    page_obj = Paginator(rows.order_by("-submitted_at", "-pk"), PICK_PAGE_SIZE).get_page(page)
    chosen = None
    if selected:
        chosen = next((a for a in page_obj.object_list if a.pk == selected), None)
        if chosen is None:
            chosen = pickable_achievements(user, statuses=statuses).filter(pk=selected).first()
    return page_obj, chosen


def recommendation_list(user) -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.visible_to(user)
        .filter(achievement__deleted_at__isnull=True)
        .select_related("achievement__discovering_unit", "achievement__field", "created_by")
    )


def review_list(user) -> QuerySet[FastTrackReview]:
    return (
        FastTrackReview.objects.visible_to(user)
        .filter(achievement__deleted_at__isnull=True)
        .select_related("achievement__discovering_unit", "reviewer")
    )


def valuation_list(user) -> QuerySet[Valuation]:
    return (
        Valuation.objects.visible_to(user)
        .filter(achievement__deleted_at__isnull=True)
        .select_related("achievement__discovering_unit", "created_by")
    )


def reviews_due(user, *, today: date | None = None) -> QuerySet[FastTrackReview]:
    """Open fast-track reviews due within the next days or overdue (staff dashboard)."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.FAST_TRACK_DUE_SOON_DAYS)
    return review_list(user).filter(status=ReviewStatus.OPEN, due_on__lte=soon).order_by("due_on")


def batches_awaiting(user) -> QuerySet[Batch]:
    """Batches whose proposed selection staff have to confirm."""
    return batch_list(user).filter(status__in=[BatchStatus.SELECTING, BatchStatus.PROPOSED])


@dataclass
class EvaluatorBatch:
    batch: Batch
    scored: int
    total: int

    @property
    def remaining(self) -> int:
        return self.total - self.scored


def evaluator_batches(user) -> list[EvaluatorBatch]:
    """An evaluator's batches with how many achievements they have scored."""
    batches = Batch.objects.visible_to(user).annotate(
        total=Count("items", distinct=True),
        scored=Count("items__scores", filter=Q(items__scores__evaluator=user), distinct=True),
    )
    return [EvaluatorBatch(b, b.scored, b.total) for b in batches]


@dataclass
class AchievementEvaluation:
    """Everything about one achievement's evaluation that this user may read."""

    achievement: Achievement
    can_view_scores: bool
    items: list = field(default_factory=list)
    recommendation: Recommendation | None = None
    reviews: list = field(default_factory=list)
    valuations: list = field(default_factory=list)


def achievement_evaluation(achievement: Achievement, *, user) -> AchievementEvaluation:
    """For the panel on an achievement's pages: results (scores only for those who may see
    them), the recommendation, fast-track reviews and valuations."""
    can_view_scores = user.role in READ_ALL_ROLES or user.role == Role.EVALUATOR
    if can_view_scores:
        items = BatchItem.objects.visible_to(user)
    elif user.role == Role.LIAISON:
        # The owning unit reads the confirmed result and the reason, never the scores.
        items = BatchItem.objects.filter(achievement__discovering_unit_id=user.unit_id).exclude(
            decision=Decision.PENDING
        )
    else:
        items = BatchItem.objects.none()
    return AchievementEvaluation(
        achievement=achievement,
        can_view_scores=can_view_scores,
        items=list(items.filter(achievement=achievement).select_related("batch")),
        recommendation=_of(recommendation_list(user), achievement).first(),
        reviews=list(_of(review_list(user), achievement)),
        valuations=list(_of(valuation_list(user), achievement)),
    )


def _of(queryset: QuerySet, achievement: Achievement) -> QuerySet:
    """One achievement's rows of a list: the panel shows none of the relations the list pages
    join in (compiling and reading those wide joins cost the detail page 10 ms)."""
    return queryset.select_related(None).filter(achievement=achievement)


def criteria_overview(batch: Batch) -> list:
    """The batch's criteria and sub-items, each with its share of the weight in percent."""
    criteria = list(batch.criteria.prefetch_related("items"))
    total = sum(c.weight for c in criteria) or 1
    for criterion in criteria:
        criterion.share = criterion.weight * 100 / total
        items = list(criterion.items.all())
        item_total = sum(i.weight for i in items) or 1
        for item in items:
            item.share = item.weight * 100 / item_total
        criterion.item_list = items
    return criteria


def default_reason(item: BatchItem, threshold: Decimal) -> str:
    """Why an achievement was not proposed, without revealing any score (liaisons read it)."""
    if not item.scorer_count:
        return _("未获专家评分。")
    reasons = []
    if item.mean_total is not None and item.mean_total < threshold:
        reasons.append(_("综合得分未达到本批次入选分数线"))
    held = {
        ThreeHave.MARKET_DEMAND: item.has_market_demand,
        ThreeHave.INNOVATION_VALUE: item.has_innovation_value,
        ThreeHave.ECONOMIC_CONTRIBUTION: item.has_economic_contribution,
    }
    missing = [str(code.label) for code, ok in held.items() if not ok]
    if missing:
        reasons.append(_("评审专家认为尚不满足“%(haves)s”") % {"haves": "”“".join(missing)})
    if not reasons:
        return _("经服务中心综合研究，本批次暂不入选。")
    return clause_separator().join(reasons) + "。"


def fast_track_due_on(opened_on: date) -> date:
    """Seven calendar days (policy `evaluation.fast_track_due_days`) after opening."""
    days = policy_int("evaluation.fast_track_due_days", year=opened_on.year)
    return opened_on + timedelta(days=days)
