from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.validators import validate_amount
from towns.choices import Role
from towns.models import Division, Industry, Unit

from ..choices import (
    DISCOVERED_STATUSES,
    SERVICE_LIBRARY_STATUSES,
    TRL_CHOICES,
    AchievementKind,
    AchievementStatus,
    CooperationMode,
    IpType,
    ServiceRoute,
    SourceChannel,
    trl_stage,
)

# Amounts in yuan; at most kernel/limits.py MAX_AMOUNT_YUAN (forms, the API and imports alike).
MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [validate_amount]}


def _in_order(statuses) -> list[str]:
    return [status for status in AchievementStatus if status in statuses]


def _labels(choices, codes) -> list[str]:
    lookup = dict(choices.choices)
    return [str(lookup.get(code, code)) for code in codes or []]


class AchievementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What a role may see. Pages, API, exports and reports all start here."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.role in (Role.CENTER_STAFF, Role.ADMIN):
            return self
        if user.role == Role.LEADER:
            return self.exclude(status=AchievementStatus.DRAFT)
        if user.role == Role.LIAISON:
            # Their unit's records, and records they are credited with after a merge.
            from .discovery import AchievementCredit

            credited = AchievementCredit.objects.filter(unit_id=user.unit_id)
            return self.filter(
                Q(discovering_unit_id=user.unit_id) | Q(pk__in=credited.values("achievement_id"))
            )
        if user.role == Role.EVALUATOR:
            # The achievements of their own evaluation batches, looked up by name through the
            # evaluation app's relation (achievements never imports evaluation).
            batches = self.model.objects.filter(evaluation_items__batch__evaluators=user)
            return self.filter(pk__in=batches.values("pk"))
        return self.none()

    def discovered(self):
        return self.filter(status__in=DISCOVERED_STATUSES)

    def in_service_library(self):
        return self.filter(status__in=SERVICE_LIBRARY_STATUSES)

    def with_cooperation_mode(self, code: str):
        # A JSON list of codes; matching the quoted code works the same on SQLite and PostgreSQL.
        return self.filter(cooperation_modes__icontains=f'"{code}"')


class AchievementManager(models.Manager.from_queryset(AchievementQuerySet)):
    """The achievements not deleted: every page, list, API, count, showcase and match starts here.
    `Achievement.all_objects` includes the deleted ones (recycle bin, admin, export)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


# A record's text: no counted figure reads these, and no duplicate scan but the same holder's
# (which compares summaries). An edit of only these leaves the city figures and the title and
# field scans (achievements/apps.py, receivers.py).
TEXT_FIELDS = frozenset(
    {
        "title",
        "title_normalized",
        "summary",
        "team",
        "ip_numbers",
        "notes",
        "contact_name",
        "contact_phone",
        "updated_at",
    }
)


class Achievement(models.Model):
    """A research result (科技成果) in the discovery library, and later the service library."""

    title = models.CharField(_("成果名称"), max_length=200)
    title_normalized = models.CharField(
        _("规范化名称"), max_length=200, db_index=True, editable=False, default=""
    )
    summary = models.TextField(_("成果简介"), help_text=_("是什么、关键指标及与现有方案的对比。"))
    kind = models.CharField(_("成果类型"), max_length=20, choices=AchievementKind.choices)
    field = models.ForeignKey(
        Industry, verbose_name=_("所属领域"), on_delete=models.PROTECT, related_name="achievements"
    )
    trl = models.PositiveSmallIntegerField(
        _("技术成熟度"),
        choices=TRL_CHOICES,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    ip_types = models.JSONField(_("知识产权类型"), default=list, blank=True)
    ip_numbers = models.TextField(_("知识产权编号"), blank=True)
    ip_count = models.PositiveIntegerField(_("知识产权数量"), default=0)
    holder = models.CharField(_("持有单位"), max_length=200)
    team = models.TextField(_("团队情况"), blank=True)
    # Personal data: shown only to staff and the owning unit.
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    expected_contribution = models.DecimalField(
        _("预期综合经济贡献（元）"), null=True, blank=True, **MONEY
    )
    funding_need = models.DecimalField(_("融资需求（元）"), null=True, blank=True, **MONEY)
    cooperation_modes = models.JSONField(_("合作方式"), default=list, blank=True)
    source_channel = models.CharField(
        _("成果来源"), max_length=30, choices=SourceChannel.choices, blank=True
    )
    discovering_unit = models.ForeignKey(
        Unit,
        verbose_name=_("发现单位"),
        on_delete=models.PROTECT,
        related_name="discovered_achievements",
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成果联络员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_achievements",
    )
    landing_division = models.ForeignKey(
        Division,
        verbose_name=_("拟落地镇街（园区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="achievements",
    )
    discovered_on = models.DateField(_("发现日期"), null=True, blank=True)
    is_public = models.BooleanField(_("公开展示"), default=False)
    notes = models.TextField(_("备注"), blank=True)

    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=AchievementStatus.choices,
        default=AchievementStatus.DRAFT,
    )
    service_route = models.CharField(
        _("入库方式"), max_length=20, choices=ServiceRoute.choices, blank=True
    )
    service_entered_at = models.DateTimeField(_("进入服务库时间"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Soft delete: a deleted record disappears everywhere but stays restorable, with its history.
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("删除人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deletion_reason = models.CharField(_("删除原因"), max_length=500, blank=True)
    # Records that already shared their unit's title when the one-title-per-unit rule came in:
    # kept apart from the rule until staff merge them (see migration 0012).
    legacy_duplicate = models.BooleanField(_("规则前的同名登记"), default=False, editable=False)

    # The allowed status steps (target: sources); kernel.transitions.transition enforces them.
    TRANSITIONS = {
        AchievementStatus.SUBMITTED: {
            AchievementStatus.DRAFT,
            AchievementStatus.RETURNED,
            AchievementStatus.MERGED,
        },
        AchievementStatus.RETURNED: {AchievementStatus.SUBMITTED, AchievementStatus.MERGED},
        AchievementStatus.WITHDRAWN: {AchievementStatus.SUBMITTED, AchievementStatus.RETURNED},
        AchievementStatus.DRAFT: {AchievementStatus.WITHDRAWN},
        AchievementStatus.MERGED: {AchievementStatus.SUBMITTED, AchievementStatus.RETURNED},
        AchievementStatus.SERVICE: {AchievementStatus.SUBMITTED, AchievementStatus.LANDED},
        AchievementStatus.LANDED: {AchievementStatus.SERVICE},
    }

    objects = AchievementManager()
    all_objects = AchievementQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["title_normalized", "updated_at", "legacy_duplicate"]
    )

    class Meta:
        verbose_name = _("科技成果")
        verbose_name_plural = _("科技成果")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "discovering_unit"]),
            models.Index(fields=["discovering_unit", "-created_at"]),
            models.Index(fields=["field", "status"]),
            models.Index(fields=["landing_division", "status"]),
            models.Index(fields=["discovered_on"]),
            models.Index(fields=["is_public", "status"]),
            # The duplicate check of the detail page looks up records of the same holder.
            models.Index(fields=["holder"], name="achievement_holder_idx"),
            # Lists open on the newest first: walk this index instead of sorting the library.
            models.Index(
                fields=["-created_at", "-id"],
                name="achievement_recent_idx",
                condition=Q(deleted_at__isnull=True),
            ),
            # The same walk within a status or a field (the list's two main filters): a filtered
            # page reads its 20 rows, not every row of the filter.
            models.Index(
                fields=["status", "-created_at", "-id"],
                name="achievement_status_recent_idx",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["field", "-created_at", "-id"],
                name="achievement_field_recent_idx",
                condition=Q(deleted_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9),
                name="achievement_trl_1_to_9",
            ),
            models.CheckConstraint(
                condition=Q(expected_contribution__isnull=True) | Q(expected_contribution__gte=0),
                name="achievement_contribution_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(funding_need__isnull=True) | Q(funding_need__gte=0),
                name="achievement_funding_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status=AchievementStatus.MERGED) | Q(merged_into__isnull=False),
                name="achievement_merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | Q(deleted_by__isnull=False),
                name="achievement_deleted_has_who",
            ),
            models.CheckConstraint(
                # In declaration order: a set's order changes between runs (makemigrations).
                condition=~Q(status__in=_in_order(SERVICE_LIBRARY_STATUSES)) | ~Q(service_route=""),
                name="achievement_service_has_route",
            ),
            # One live record per unit and title: two sessions registering or importing the same
            # achievement at the same moment cannot both succeed.
            models.UniqueConstraint(
                fields=["discovering_unit", "title_normalized"],
                condition=Q(deleted_at__isnull=True, legacy_duplicate=False)
                & ~Q(status=AchievementStatus.MERGED)
                & ~Q(title_normalized=""),
                name="achievement_unique_title_per_unit",
                violation_error_message=_("本单位已登记同名成果，请勿重复登记。"),
            ),
        ]

    def __str__(self):
        return self.title

    # What a duplicate scan finds a record through (achievements/services/core.py).
    DUPLICATE_SCOPE_FIELDS = ("title_normalized", "holder", "field_id")
    # The scope as loaded from the database; None when unknown (deferred, or not loaded).
    duplicate_scope_loaded = None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if not instance.get_deferred_fields() & {"title_normalized", "holder", "field_id"}:
            instance.duplicate_scope_loaded = instance.duplicate_scope()
        return instance

    def duplicate_scope(self) -> tuple[str, str, int | None]:
        return (self.title_normalized, self.holder, self.field_id)

    @property
    def trl_stage(self) -> str:
        return trl_stage(self.trl)

    @property
    def ip_type_labels(self) -> list[str]:
        return _labels(IpType, self.ip_types)

    @property
    def cooperation_mode_labels(self) -> list[str]:
        return _labels(CooperationMode, self.cooperation_modes)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_discovered(self) -> bool:
        return self.status in DISCOVERED_STATUSES

    @property
    def in_service_library(self) -> bool:
        return self.status in SERVICE_LIBRARY_STATUSES

    def log_transition(self, *, from_status: str, to_status: str, actor, reason: str) -> None:
        """The whole reason of a step, for the record's timeline (called by `transition`)."""
        AchievementTransition.objects.create(
            achievement=self,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            reason=reason,
        )


class AchievementTransition(models.Model):
    """Who moved an achievement from one status to another, when, and why."""

    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        _("原状态"), max_length=20, choices=AchievementStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=20, choices=AchievementStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("原因"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("状态变更记录")
        verbose_name_plural = _("状态变更记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["achievement", "created_at"])]

    def __str__(self):
        return f"{self.achievement_id}: {self.from_status} → {self.to_status}"
