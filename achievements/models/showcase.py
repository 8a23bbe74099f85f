"""The public showcase (成果展示区): external achievements imported by staff, and the public entry
of every published item — the only table the public pages read, holding no personal data."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from towns.models import Division, Industry

from ..choices import (
    DISCOVERED_STATUSES,
    TRL_CHOICES,
    AchievementKind,
    CooperationMode,
    ShowcaseOrigin,
    trl_stage,
)
from .achievement import Achievement


class ExternalAchievement(models.Model):
    """An achievement of a university or institute elsewhere, imported from .xlsx with its source."""

    title = models.CharField(_("成果名称"), max_length=200)
    summary = models.TextField(_("成果简介"))
    field = models.ForeignKey(
        Industry,
        verbose_name=_("所属领域"),
        on_delete=models.PROTECT,
        related_name="external_achievements",
    )
    kind = models.CharField(
        _("成果类型"), max_length=20, choices=AchievementKind.choices, blank=True
    )
    trl = models.PositiveSmallIntegerField(
        _("技术成熟度"),
        choices=TRL_CHOICES,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    cooperation_modes = models.JSONField(_("合作方式"), default=list, blank=True)
    holder = models.CharField(_("完成单位"), max_length=200)
    region = models.CharField(_("所在地区"), max_length=50, blank=True)
    source = models.CharField(
        _("信息来源"), max_length=200, help_text=_("如：清华大学技术转移研究院成果库（2025年）。")
    )
    source_url = models.URLField(_("来源网址"), blank=True)
    is_published = models.BooleanField(_("在展示区公开"), default=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("外地成果")
        verbose_name_plural = _("外地成果")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Importing the same sheet again updates rows instead of adding them twice.
            models.UniqueConstraint(fields=["holder", "title"], name="external_holder_title"),
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9),
                name="external_trl_1_to_9",
            ),
        ]

    def __str__(self):
        return self.title


class ShowcaseEntryQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see. Local entries are re-checked against their achievement, so an
        achievement withdrawn or made private disappears at once, even before re-indexing."""
        return self.filter(
            Q(origin=ShowcaseOrigin.EXTERNAL, external__is_published=True)
            | Q(
                origin=ShowcaseOrigin.LOCAL,
                achievement__is_public=True,
                achievement__status__in=DISCOVERED_STATUSES,
                achievement__deleted_at__isnull=True,
            )
        )


class ShowcaseEntry(models.Model):
    """One published item as the public sees it. Built by `services.showcase` from an achievement
    (discovered and public) or an external achievement; never holds contact data or scores."""

    key = models.CharField(_("编号"), max_length=20, unique=True)
    origin = models.CharField(_("来源类别"), max_length=10, choices=ShowcaseOrigin.choices)
    achievement = models.OneToOneField(
        Achievement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="showcase_entry",
    )
    external = models.OneToOneField(
        ExternalAchievement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="showcase_entry",
    )
    title = models.CharField(_("成果名称"), max_length=200)
    summary = models.TextField(_("成果简介"))
    field = models.ForeignKey(
        Industry, verbose_name=_("所属领域"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        _("成果类型"), max_length=20, choices=AchievementKind.choices, blank=True
    )
    trl = models.PositiveSmallIntegerField(_("技术成熟度"), choices=TRL_CHOICES, null=True)
    division = models.ForeignKey(
        Division,
        verbose_name=_("拟落地镇街（园区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cooperation_modes = models.JSONField(_("合作方式"), default=list)
    holder = models.CharField(_("持有单位"), max_length=200)
    source = models.CharField(_("信息来源"), max_length=200)
    # Title, holder, field and summary folded to half-width lower case, for search.
    search_text = models.TextField(editable=False)
    published_at = models.DateTimeField(_("发布时间"))

    objects = ShowcaseEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("展示区条目")
        verbose_name_plural = _("展示区条目")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["field", "-published_at"]),
            models.Index(fields=["origin", "-published_at"]),
            models.Index(fields=["kind"]),
            models.Index(fields=["trl"]),
            models.Index(fields=["division"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin=ShowcaseOrigin.LOCAL, achievement__isnull=False)
                | Q(origin=ShowcaseOrigin.EXTERNAL, external__isnull=False),
                name="showcase_entry_has_subject",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        """A readable address: /showcase/A123-高性能固态电池电解质材料/."""
        slug = slugify(self.title, allow_unicode=True)[:60].strip("-")
        return reverse("achievements:showcase_detail", kwargs={"key": self.key, "slug": slug})

    @property
    def trl_stage(self) -> str:
        return trl_stage(self.trl)

    @property
    def cooperation_mode_labels(self) -> list[str]:
        labels = dict(CooperationMode.choices)
        return [str(labels.get(code, code)) for code in self.cooperation_modes]
