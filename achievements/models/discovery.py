"""The discovery library around the record: attachments, feedback, merge credits, Excel imports."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from towns.models import Unit

from ..choices import (
    AchievementStatus,
    CorrectionOutcome,
    FeedbackKind,
    FeedbackStatus,
    ImportStatus,
)
from .achievement import Achievement


def _private_path(folder: str, filename: str) -> str:
    """A random stored name: nothing guessable, no Chinese or spaces in paths on disk."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{folder}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def attachment_path(instance, filename: str) -> str:
    return _private_path("achievements/attachments", filename)


def import_path(instance, filename: str) -> str:
    return _private_path("achievements/imports", filename)


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"


class AchievementAttachment(models.Model):
    """A PDF or image about the achievement; served only through a permission-checked view."""

    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("文件类型"), max_length=10, choices=AttachmentKind.choices)
    size = models.PositiveIntegerField(_("大小（字节）"))
    description = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("成果附件")
        verbose_name_plural = _("成果附件")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AttachmentKind.values), name="attachment_kind_known"
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind in (AttachmentKind.PNG, AttachmentKind.JPEG)


class AchievementFeedback(models.Model):
    """Staff sending a record back (with structured reasons), or a liaison asking to correct it."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="feedback")
    kind = models.CharField(_("类别"), max_length=20, choices=FeedbackKind.choices)
    reasons = models.JSONField(_("原因类别"), default=list, blank=True)
    fields = models.JSONField(_("涉及字段"), default=list, blank=True)
    message = models.TextField(_("说明"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    status = models.CharField(
        _("处理状态"), max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    addressed_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    outcome = models.CharField(
        _("处理结果"), max_length=20, choices=CorrectionOutcome.choices, blank=True
    )
    resolution_note = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("退回与更正记录")
        verbose_name_plural = _("退回与更正记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["achievement", "-created_at"]),
            models.Index(fields=["kind", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=FeedbackStatus.RESOLVED)
                | Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="feedback_resolved_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(kind=FeedbackKind.CORRECTION_REQUEST),
                name="feedback_outcome_only_for_corrections",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.message[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status == FeedbackStatus.OPEN


class AchievementCredit(models.Model):
    """A unit credited with discovering an achievement besides its discovering unit.

    Created when staff merge a duplicate: the record kept carries the other unit's credit, so both
    units' work stays visible and counts toward their discovery targets.
    """

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="credits")
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="achievement_credits"
    )
    merged_from = models.ForeignKey(
        Achievement,
        verbose_name=_("合并自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("共同发现单位")
        verbose_name_plural = _("共同发现单位")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["achievement", "unit"], name="credit_unique_unit"),
        ]
        indexes = [models.Index(fields=["unit", "achievement"])]

    def __str__(self):
        return f"{self.achievement_id} · {self.unit}"


class AchievementMerge(models.Model):
    """One merge of a duplicate into the record kept: who, when, why, and exactly what it
    changed (credits added, earlier duplicates moved, feedback closed), so that staff can undo it
    (`achievement_unmerge`), which records who, when and why too."""

    duplicate = models.ForeignKey(
        Achievement, verbose_name=_("被合并的成果"), on_delete=models.PROTECT, related_name="merges"
    )
    kept = models.ForeignKey(
        Achievement, verbose_name=_("保留的成果"), on_delete=models.PROTECT, related_name="+"
    )
    previous_status = models.CharField(
        _("合并前状态"), max_length=20, choices=AchievementStatus.choices
    )
    reason = models.TextField(_("合并说明"), blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("合并人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("合并时间"), default=timezone.now)
    # What the merge did: credit ids added to the kept record, ids of records merged earlier into
    # the duplicate and moved on to the kept one, and [feedback id, status before] closed.
    added_credits = models.JSONField(_("新增的共同发现单位"), default=list, blank=True)
    moved_duplicates = models.JSONField(_("随之转移的重复登记"), default=list, blank=True)
    closed_feedback = models.JSONField(_("随之关闭的意见"), default=list, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unmerged_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    unmerge_reason = models.TextField(_("撤销原因"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("成果合并记录")
        verbose_name_plural = _("成果合并记录")
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["duplicate"],
                condition=Q(unmerged_at__isnull=True),
                name="merge_one_in_force_per_duplicate",
            ),
            models.CheckConstraint(
                condition=Q(unmerged_at__isnull=True)
                | (Q(unmerged_by__isnull=False) & ~Q(unmerge_reason="")),
                name="merge_undone_has_who_and_why",
            ),
        ]

    def __str__(self):
        return f"{self.duplicate_id} → {self.kept_id}"

    @property
    def in_force(self) -> bool:
        return self.unmerged_at is None


class AchievementImport(models.Model):
    """One uploaded sheet: kept until the user confirms, then imported once (or cancelled)."""

    file = models.FileField(_("文件"), upload_to=import_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    unit = models.ForeignKey(
        Unit, verbose_name=_("发现单位"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submit = models.BooleanField(_("导入后提交至发现库"), default=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    row_count = models.PositiveIntegerField(_("数据行数"), default=0)
    valid_count = models.PositiveIntegerField(_("有效行数"), default=0)
    issue_count = models.PositiveIntegerField(_("问题数"), default=0)
    imported_count = models.PositiveIntegerField(_("已导入条数"), default=0)
    # What the preview shows: [row, column, message] problems, warnings, and the first rows read.
    issues = models.JSONField(_("问题清单"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    sample = models.JSONField(_("预览"), default=list, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("成果导入批次")
        verbose_name_plural = _("成果导入批次")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["uploaded_by", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ImportStatus.IMPORTED) | Q(imported_at__isnull=False),
                name="import_imported_has_time",
            ),
        ]

    def __str__(self):
        return self.original_name
