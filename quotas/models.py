from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from towns.models import Industry, Unit

from .choices import CityMetric, Comparison, MetricUnit, ReportKind


class DiscoveryTarget(models.Model):
    """How many achievements a unit should discover in a year (三.一机制.1)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="discovery_targets"
    )
    target = models.PositiveIntegerField(_("发现目标（项）"))
    innovation_strong_town = models.BooleanField(
        _("创新强镇"),
        default=False,
        help_text=_("高新区和创新强镇的年度发现目标不少于50项；创新强镇由管理员按年标记。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度成果发现目标")
        verbose_name_plural = _("年度成果发现目标")
        ordering = ["year", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="discovery_target_unique")
        ]

    def __str__(self):
        return f"{self.year} {self.unit}：{self.target}"


class LandingQuota(models.Model):
    """A unit's yearly landing quota (三.一机制.3 三 and the annex)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="landing_quotas"
    )
    quota = models.PositiveIntegerField(_("落地任务数（项）"))
    direction = models.CharField(_("落地方向"), max_length=200, blank=True)
    landmark_requirement = models.CharField(_("标杆性成果要求"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(
        _("排序"), default=0, help_text=_("任务分解表中的顺序。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度成果落地任务")
        verbose_name_plural = _("年度成果落地任务")
        ordering = ["year", "sort_order", "-quota", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="landing_quota_unique")
        ]

    def __str__(self):
        return f"{self.year} {self.unit}：{self.quota}"


class CityTarget(models.Model):
    """A city-wide yearly target (section 二, 工作目标)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    metric = models.CharField(_("指标"), max_length=50, choices=CityMetric.choices)
    target = models.DecimalField(_("目标值"), max_digits=16, decimal_places=0)
    unit = models.CharField(_("计量单位"), max_length=10, choices=MetricUnit.choices)
    comparison = models.CharField(_("比较方式"), max_length=2, choices=Comparison.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("全市年度目标")
        verbose_name_plural = _("全市年度目标")
        ordering = ["year", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["year", "metric"], name="city_target_unique")
        ]

    def __str__(self):
        return f"{self.year} {self.get_metric_display()} {self.comparison} {self.target}"

    def is_met(self, actual) -> bool:
        if self.comparison == Comparison.MORE_THAN:
            return actual > self.target
        return actual >= self.target


class LandmarkRequirement(models.Model):
    """A landmark (标杆性成果) a unit's yearly quota requires: `count` landings with at least
    `min_contribution` of economic contribution, in one field or (field empty) in any field.
    Loaded from the quota's requirement text in landing_quotas.csv; admins may edit them."""

    quota = models.ForeignKey(
        LandingQuota,
        verbose_name=_("落地任务"),
        on_delete=models.CASCADE,
        related_name="landmark_requirements",
    )
    field = models.ForeignKey(
        Industry,
        verbose_name=_("领域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("不填表示不限领域。"),
    )
    count = models.PositiveSmallIntegerField(_("个数"), default=1)
    min_contribution = models.DecimalField(
        _("综合经济贡献不少于（元）"), max_digits=16, decimal_places=2
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("标杆性成果要求")
        verbose_name_plural = _("标杆性成果要求")
        ordering = ["quota", "field__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quota", "field"], name="landmark_requirement_unique_field"
            ),
            models.UniqueConstraint(
                fields=["quota"],
                condition=Q(field__isnull=True),
                name="landmark_requirement_one_any_field",
            ),
            models.CheckConstraint(
                condition=Q(count__gte=1), name="landmark_requirement_count_positive"
            ),
        ]

    def __str__(self):
        return f"{self.quota} {self.field or '不限领域'} ×{self.count}"


class Report(models.Model):
    """A stored progress report for a period (每两周一报, quarterly, or on demand), with its
    .xlsx. One per kind and period: generating it again replaces it."""

    kind = models.CharField(_("报告类型"), max_length=20, choices=ReportKind.choices)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(_("报告文件"), upload_to="reports/%Y/")
    totals = models.JSONField(_("汇总数据"), default=dict)
    sections = models.JSONField(
        _("各部分清单"),
        default=list,
        blank=True,
        help_text=_("报告页面显示的各部分清单（与 Excel 文件一致）。"),
    )
    brief = models.FileField(_("简报（Word）"), upload_to="reports/%Y/", blank=True)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("为空表示系统按时生成。"),
    )
    generation_count = models.PositiveIntegerField(_("生成次数"), default=1)
    announced_at = models.DateTimeField(_("通知时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作报告")
        verbose_name_plural = _("工作报告")
        ordering = ["-period_end", "kind", "-id"]
        indexes = [models.Index(fields=["kind", "-period_end"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start", "period_end"], name="report_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"
            ),
        ]

    def __str__(self):
        return self.title
