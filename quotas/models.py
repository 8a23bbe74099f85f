from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from towns.models import Unit

from .choices import CityMetric, Comparison, MetricUnit


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

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度成果落地任务")
        verbose_name_plural = _("年度成果落地任务")
        ordering = ["year", "-quota", "unit__code"]
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
