"""Evaluation (三.一机制.2): scoring batches and selection, direct recommendations, one-week
fast-track reviews and fair-value valuations.

Scores, evaluator comments and valuations are never public: each model's `visible_to(user)`
decides who may read it, and pages, API and exports all start there.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from achievements.models import Achievement
from kernel.validators import validate_amount
from towns.choices import READ_ALL_ROLES, Role

from .choices import (
    VALUATION_OPEN_STATUSES,
    BatchStatus,
    Criterion,
    Decision,
    LandingForm,
    RecommenderKind,
    ReviewStatus,
    ValuationStatus,
)

# Amounts in yuan; at most kernel/limits.py MAX_AMOUNT_YUAN (forms, the API and imports alike).
MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [validate_amount]}
SCORE = {"max_digits": 5, "decimal_places": 2}
WEIGHT = {"max_digits": 6, "decimal_places": 2}
SCORE_RANGE = [MinValueValidator(0), MaxValueValidator(100)]


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def _achievements_of_evaluator(user):
    return Achievement.objects.filter(evaluation_items__batch__evaluators=user).values("pk")


class BatchScopedQuerySet(models.QuerySet):
    """Staff and leaders read everything; an evaluator only what belongs to their batches."""

    # The lookup from this model to the batch's evaluators.
    evaluators_path = "evaluators"

    def visible_to(self, user):
        if not _signed_in(user):
            return self.none()
        if user.role in READ_ALL_ROLES:
            return self
        if user.role == Role.EVALUATOR:
            return self.filter(**{self.evaluators_path: user})
        return self.none()


class BatchQuerySet(BatchScopedQuerySet):
    pass


class Batch(models.Model):
    """A yearly regular-intake evaluation (常规入库评价) by an institution and its evaluators."""

    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("批次名称"), max_length=100)
    institution = models.CharField(_("评价机构"), max_length=100)
    threshold = models.DecimalField(
        _("入选分数线"),
        validators=SCORE_RANGE,
        help_text=_("加权总分（百分制）达到或超过此分数、且满足“3有”的成果拟入选服务库。"),
        **SCORE,
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审专家"),
        related_name="evaluation_batches",
        limit_choices_to={"role": Role.EVALUATOR},
    )
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.SCORING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    selection_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起遴选人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    selection_computed_at = models.DateTimeField(_("遴选计算时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    # The allowed status steps (target: sources); kernel.transitions.transition enforces them.
    TRANSITIONS = {
        BatchStatus.SELECTING: {BatchStatus.SCORING, BatchStatus.PROPOSED},
        BatchStatus.PROPOSED: {BatchStatus.SELECTING, BatchStatus.PROPOSED},
        BatchStatus.SCORING: {BatchStatus.PROPOSED},
        BatchStatus.CONFIRMED: {BatchStatus.PROPOSED},
    }

    objects = BatchQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评价批次")
        verbose_name_plural = _("评价批次")
        ordering = ["-year", "-created_at", "-id"]
        indexes = [models.Index(fields=["year", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="batch_unique_name_per_year"),
            models.CheckConstraint(
                condition=Q(threshold__gte=0, threshold__lte=100), name="batch_threshold_0_to_100"
            ),
            models.CheckConstraint(
                condition=~Q(status=BatchStatus.CONFIRMED) | Q(confirmed_at__isnull=False),
                name="batch_confirmed_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.name}"

    @property
    def is_scoring(self) -> bool:
        return self.status == BatchStatus.SCORING


class BatchCriterion(models.Model):
    """One of the three criteria in a batch, with its weight (equal by default)."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("评价批次"), on_delete=models.CASCADE, related_name="criteria"
    )
    criterion = models.CharField(_("评价维度"), max_length=30, choices=Criterion.choices)
    order = models.PositiveSmallIntegerField(_("序号"))
    weight = models.DecimalField(_("权重"), validators=[MinValueValidator(0)], **WEIGHT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评价维度")
        verbose_name_plural = _("评价维度")
        ordering = ["batch", "order"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "criterion"], name="criterion_once_per_batch"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self):
        return self.get_criterion_display()


class ScoringItem(models.Model):
    """A sub-item of a criterion that evaluators score from 0 to 100."""

    criterion = models.ForeignKey(
        BatchCriterion, verbose_name=_("评价维度"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("评分子项"), max_length=60)
    weight = models.DecimalField(_("权重"), validators=[MinValueValidator(0)], **WEIGHT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评分子项")
        verbose_name_plural = _("评分子项")
        ordering = ["criterion__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "name"], name="scoring_item_unique_name"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="scoring_item_weight_positive"),
        ]

    def __str__(self):
        return self.name


class BatchItemQuerySet(BatchScopedQuerySet):
    """Rows carry combined scores and ranks: staff, leaders and the batch's evaluators."""

    evaluators_path = "batch__evaluators"


class BatchItem(models.Model):
    """An achievement in a batch, with the combined result the selection task computed."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("评价批次"), on_delete=models.CASCADE, related_name="items"
    )
    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.PROTECT,
        related_name="evaluation_items",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("添加人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("添加时间"), auto_now_add=True)
    scorer_count = models.PositiveSmallIntegerField(_("评分专家数"), default=0)
    mean_total = models.DecimalField(_("综合得分"), null=True, blank=True, **SCORE)
    spread = models.DecimalField(_("分差（最高−最低）"), null=True, blank=True, **SCORE)
    has_market_demand = models.BooleanField(_("有市场需求"), default=False)
    has_innovation_value = models.BooleanField(_("有创新价值"), default=False)
    has_economic_contribution = models.BooleanField(_("有经济贡献"), default=False)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    proposed = models.BooleanField(_("拟入选"), default=False)
    decision = models.CharField(
        _("确认结果"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    reason = models.TextField(_("未入选原因"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = BatchItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("批次成果")
        verbose_name_plural = _("批次成果")
        ordering = ["batch", F("rank").asc(nulls_last=True), "id"]
        indexes = [models.Index(fields=["batch", "rank"]), models.Index(fields=["decision"])]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "achievement"], name="batch_item_once_per_batch"
            ),
            models.CheckConstraint(
                condition=~Q(decision=Decision.NOT_SELECTED) | ~Q(reason=""),
                name="batch_item_not_selected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1), name="batch_item_rank_positive"
            ),
        ]

    def __str__(self):
        return f"{self.batch} · {self.achievement_id}"

    @property
    def has_all_three(self) -> bool:
        return (
            self.has_market_demand and self.has_innovation_value and self.has_economic_contribution
        )


class ScoreQuerySet(BatchScopedQuerySet):
    """Scores and comments: staff, leaders and the evaluators of the batch, never others."""

    evaluators_path = "item__batch__evaluators"


class Score(models.Model):
    """One evaluator's scores for one achievement of a batch."""

    item = models.ForeignKey(
        BatchItem, verbose_name=_("批次成果"), on_delete=models.CASCADE, related_name="scores"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审专家"),
        on_delete=models.PROTECT,
        related_name="evaluation_scores",
    )
    tech_content = models.DecimalField(_("科技含量"), **SCORE)
    economic_benefit = models.DecimalField(_("经济效益"), **SCORE)
    conversion_efficiency = models.DecimalField(_("转化效率"), **SCORE)
    total = models.DecimalField(_("加权总分"), **SCORE)
    market_demand = models.BooleanField(_("有市场需求"), default=False)
    innovation_value = models.BooleanField(_("有创新价值"), default=False)
    economic_contribution = models.BooleanField(_("有经济贡献"), default=False)
    comment = models.TextField(_("评审意见"))
    created_at = models.DateTimeField(_("评分时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = ScoreQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("专家评分")
        verbose_name_plural = _("专家评分")
        ordering = ["item", "evaluator__username"]
        constraints = [
            models.UniqueConstraint(fields=["item", "evaluator"], name="score_once_per_evaluator"),
            models.CheckConstraint(
                condition=Q(total__gte=0, total__lte=100), name="score_total_0_to_100"
            ),
        ]

    def __str__(self):
        return f"{self.item_id} · {self.evaluator_id}: {self.total}"


class SubScore(models.Model):
    score = models.ForeignKey(
        Score, verbose_name=_("专家评分"), on_delete=models.CASCADE, related_name="sub_scores"
    )
    scoring_item = models.ForeignKey(
        ScoringItem, verbose_name=_("评分子项"), on_delete=models.CASCADE, related_name="+"
    )
    value = models.DecimalField(_("得分"), validators=SCORE_RANGE, **SCORE)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("子项得分")
        verbose_name_plural = _("子项得分")
        constraints = [
            models.UniqueConstraint(
                fields=["score", "scoring_item"], name="sub_score_once_per_item"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=100), name="sub_score_0_to_100"
            ),
        ]

    def __str__(self):
        return f"{self.scoring_item_id}: {self.value}"


class OwnedByUnitQuerySet(models.QuerySet):
    """Records about an achievement: staff and leaders read all, a liaison their unit's."""

    def visible_to(self, user):
        if not _signed_in(user):
            return self.none()
        if user.role in READ_ALL_ROLES:
            return self
        if user.role == Role.LIAISON:
            return self.filter(achievement__discovering_unit_id=user.unit_id)
        return self.none()


class Recommendation(models.Model):
    """重点入库推荐: a written recommendation puts an achievement straight into the service
    library, without scoring."""

    achievement = models.OneToOneField(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.PROTECT,
        related_name="recommendation",
    )
    recommender_kind = models.CharField(
        _("推荐单位类型"), max_length=30, choices=RecommenderKind.choices
    )
    recommender_name = models.CharField(_("推荐单位"), max_length=100)
    letter = models.FileField(_("推荐函"), upload_to="evaluation/letters/%Y/%m/")
    letter_date = models.DateField(_("推荐函日期"))
    reason = models.TextField(_("推荐理由"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = OwnedByUnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重点入库推荐")
        verbose_name_plural = _("重点入库推荐")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recommender_kind", "-created_at"])]

    def __str__(self):
        return f"{self.recommender_name} → {self.achievement_id}"


# The result of a fast-track review: three suggestions, each with its numbers.
REVIEW_RESULT_FIELDS = [
    "policy_suggestion",
    "policy_support_amount",
    "carrier_suggestion",
    "carrier_name",
    "carrier_area",
    "landing_form",
    "form_suggestion",
    "expected_investment",
    "expected_months",
]


class FastTrackReview(models.Model):
    """快速落地评价: within a week, concrete and quantified suggestions on supporting policy,
    landing carrier and landing form."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.PROTECT,
        related_name="fast_track_reviews",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    opened_on = models.DateField(_("启动日期"))
    due_on = models.DateField(_("应完成日期"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.PROTECT,
        related_name="fast_track_reviews",
    )
    request_note = models.TextField(_("评价需求"), blank=True)
    # The result: three suggestions, each with its numbers.
    policy_suggestion = models.TextField(_("配套政策建议"), blank=True)
    policy_support_amount = models.DecimalField(
        _("建议政策支持金额（元）"), null=True, blank=True, **MONEY
    )
    carrier_suggestion = models.TextField(_("落地载体建议"), blank=True)
    carrier_name = models.CharField(_("建议载体"), max_length=100, blank=True)
    carrier_area = models.DecimalField(
        _("载体面积（平方米）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    landing_form = models.CharField(
        _("落地形式"), max_length=20, choices=LandingForm.choices, blank=True
    )
    form_suggestion = models.TextField(_("落地形式建议"), blank=True)
    expected_investment = models.DecimalField(_("预计投资额（元）"), null=True, blank=True, **MONEY)
    expected_months = models.PositiveSmallIntegerField(
        _("预计落地周期（月）"), null=True, blank=True
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出具人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("出具时间"), null=True, blank=True)
    last_reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # The allowed status steps (target: sources); kernel.transitions.transition enforces them.
    TRANSITIONS = {ReviewStatus.COMPLETED: {ReviewStatus.OPEN}}

    objects = OwnedByUnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("快速落地评价")
        verbose_name_plural = _("快速落地评价")
        ordering = ["-status", "due_on", "-id"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement"],
                condition=Q(status=ReviewStatus.OPEN),
                name="fast_track_one_open_per_achievement",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("opened_on")), name="fast_track_due_after_open"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.COMPLETED)
                | Q(
                    completed_at__isnull=False,
                    policy_support_amount__isnull=False,
                    carrier_area__isnull=False,
                    expected_months__isnull=False,
                )
                & ~Q(landing_form=""),
                name="fast_track_completed_is_quantified",
            ),
        ]

    def __str__(self):
        return f"{self.achievement_id} · {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.status == ReviewStatus.OPEN


class ValuationQuerySet(OwnedByUnitQuerySet):
    def visible_to(self, user):
        """Never public: staff, leaders, the owning unit and the evaluators of its batches."""
        if _signed_in(user) and user.role == Role.EVALUATOR:
            return self.filter(achievement__in=_achievements_of_evaluator(user))
        return super().visible_to(user)


class Valuation(models.Model):
    """公允价值评价: a valuation agency's report with the value, given free to the parties."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.PROTECT,
        related_name="valuations",
    )
    agency = models.CharField(_("评估机构"), max_length=100)
    requested_on = models.DateField(_("委托日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ValuationStatus.choices, default=ValuationStatus.REQUESTED
    )
    request_note = models.TextField(_("委托事项"), blank=True)
    report = models.FileField(_("评估报告"), upload_to="evaluation/valuations/%Y/%m/", blank=True)
    value = models.DecimalField(_("评估价值（元）"), null=True, blank=True, **MONEY)
    valued_on = models.DateField(_("评估基准日"), null=True, blank=True)
    cancel_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("委托人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # The allowed status steps (target: sources); kernel.transitions.transition enforces them.
    TRANSITIONS = {
        ValuationStatus.IN_PROGRESS: {ValuationStatus.REQUESTED},
        ValuationStatus.COMPLETED: set(VALUATION_OPEN_STATUSES),
        ValuationStatus.CANCELLED: set(VALUATION_OPEN_STATUSES),
    }

    objects = ValuationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公允价值评价")
        verbose_name_plural = _("公允价值评价")
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["status", "-requested_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="valuation_value_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status=ValuationStatus.COMPLETED)
                | (Q(value__isnull=False, valued_on__isnull=False) & ~Q(report="")),
                name="valuation_completed_has_report_value_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=ValuationStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="valuation_cancelled_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.agency} · {self.achievement_id}"
