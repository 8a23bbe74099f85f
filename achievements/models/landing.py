"""Landing (落地): the evidence that an achievement is realised in Dongguan, the result of the
landing-standard check, and the staff verification with the unit the landing is credited to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.validators import validate_uscc
from towns.choices import READ_ALL_ROLES
from towns.models import Division, Unit

from ..choices import (
    AchievementStatus,
    CreditBasis,
    EvidenceKind,
    EvidenceSource,
    LandingRule,
    LandingState,
    Landmark,
    LicenseDirection,
    RegistrationMode,
)
from .achievement import MONEY, Achievement


class LandingEvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(achievement__in=Achievement.objects.visible_to(user).values("pk"))


class LandingEvidence(models.Model):
    """One fact proving part of a landing standard, with the document that shows it.

    Which fields a kind needs, and how they are labelled, is described once in
    `selectors.landing.EVIDENCE_SPECS` (the form and the check both read it).
    """

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.CASCADE,
        related_name="landing_evidence",
    )
    kind = models.CharField(_("证据类型"), max_length=30, choices=EvidenceKind.choices)
    entity_name = models.CharField(_("主体名称"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_uscc]
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("所在镇街（园区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    registration_mode = models.CharField(
        _("注册方式"), max_length=10, choices=RegistrationMode.choices, blank=True
    )
    license_direction = models.CharField(
        _("许可情形"), max_length=10, choices=LicenseDirection.choices, blank=True
    )
    counterparty = models.CharField(_("相对方"), max_length=200, blank=True)
    authority = models.CharField(_("主管部门"), max_length=100, blank=True)
    reference_number = models.CharField(_("文号或编号"), max_length=100, blank=True)
    subject = models.CharField(_("名称或内容"), max_length=200, blank=True)
    amount = models.DecimalField(_("金额（元）"), null=True, blank=True, **MONEY)
    team_size = models.PositiveSmallIntegerField(_("人数"), null=True, blank=True)
    occurred_on = models.DateField(_("日期"), null=True, blank=True)
    document = models.FileField(_("证明材料"), upload_to="landing/%Y/", blank=True)
    document_name = models.CharField(_("材料文件名"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    source = models.CharField(
        _("来源"), max_length=20, choices=EvidenceSource.choices, default=EvidenceSource.MANUAL
    )
    source_reference = models.CharField(_("来源编号"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = LandingEvidenceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("落地证据")
        verbose_name_plural = _("落地证据")
        ordering = ["achievement", "kind", "occurred_on", "id"]
        indexes = [models.Index(fields=["achievement", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="landing_evidence_amount_not_negative",
            ),
            # A registered technology contract is used as evidence once per achievement.
            models.UniqueConstraint(
                fields=["achievement", "source", "source_reference"],
                condition=~Q(source_reference=""),
                name="landing_evidence_source_once",
            ),
        ]

    def __str__(self):
        return f"{self.achievement_id} {self.get_kind_display()}"


class LandingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and leaders read every landing; a liaison their unit's achievements' landings."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.role in READ_ALL_ROLES:
            return self.filter(achievement__deleted_at__isnull=True)
        return self.filter(achievement__in=Achievement.objects.visible_to(user).values("pk"))

    def landed(self):
        """Verified landings of achievements that are (still) landed and not deleted: what
        quotas count."""
        return self.filter(
            state=LandingState.LANDED,
            achievement__status=AchievementStatus.LANDED,
            achievement__deleted_at__isnull=True,
        )

    def landed_between(self, start, end):
        return self.landed().filter(landed_on__gte=start, landed_on__lte=end)

    def landed_in(self, year: int):
        return self.landed().filter(landed_on__year=year)


class Landing(models.Model):
    """The landing of one achievement: the latest check of its evidence and, once staff
    verified it, the clause met, the date, where it landed and the unit it is credited to."""

    achievement = models.OneToOneField(
        Achievement, verbose_name=_("科技成果"), on_delete=models.CASCADE, related_name="landing"
    )
    state = models.CharField(
        _("落地状态"), max_length=20, choices=LandingState.choices, default=LandingState.COLLECTING
    )
    met_rules = models.JSONField(_("已满足的条款"), default=list, blank=True)
    missing = models.JSONField(_("尚缺材料"), default=list, blank=True)
    checked_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    proposed_at = models.DateTimeField(_("拟认定时间"), null=True, blank=True)

    rule = models.CharField(_("认定条款"), max_length=30, choices=LandingRule.choices, blank=True)
    landed_on = models.DateField(_("落地日期"), null=True, blank=True)
    division = models.ForeignKey(
        Division,
        verbose_name=_("落地镇街（园区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="landings",
    )
    credited_unit = models.ForeignKey(
        Unit,
        verbose_name=_("计入单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credited_landings",
    )
    credit_basis = models.CharField(
        _("计入依据"), max_length=30, choices=CreditBasis.choices, blank=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    verification_note = models.TextField(_("核验意见"), blank=True)

    economic_contribution = models.DecimalField(
        _("综合经济贡献（元）"), null=True, blank=True, **MONEY
    )
    contribution_note = models.CharField(_("贡献测算说明"), max_length=300, blank=True)
    contribution_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("贡献录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contribution_recorded_at = models.DateTimeField(_("贡献录入时间"), null=True, blank=True)
    landmark = models.CharField(
        _("标杆性成果"), max_length=20, choices=Landmark.choices, blank=True, default=""
    )

    # The allowed steps of `state` (target: sources). Staff verify and revoke through
    # kernel.transitions.transition; between collecting and proposed the evidence check
    # (`landing_check`, daily and after each evidence change) recomputes it.
    TRANSITION_FIELD = "state"
    TRANSITIONS = {
        LandingState.PROPOSED: {LandingState.COLLECTING},
        LandingState.LANDED: {LandingState.COLLECTING, LandingState.PROPOSED},
        LandingState.COLLECTING: {LandingState.PROPOSED, LandingState.LANDED},
    }

    objects = LandingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("成果落地")
        verbose_name_plural = _("成果落地")
        ordering = ["-landed_on", "-id"]
        indexes = [
            models.Index(fields=["state", "landed_on"]),
            models.Index(fields=["credited_unit", "landed_on"]),
            models.Index(fields=["division", "landed_on"]),
            models.Index(fields=["landmark", "landed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=LandingState.LANDED)
                | (
                    ~Q(rule="")
                    & Q(landed_on__isnull=False)
                    & Q(division__isnull=False)
                    & Q(credited_unit__isnull=False)
                    & ~Q(credit_basis="")
                    & Q(verified_by__isnull=False)
                    & Q(verified_at__isnull=False)
                ),
                name="landing_landed_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(economic_contribution__isnull=True) | Q(economic_contribution__gte=0),
                name="landing_contribution_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.achievement_id} {self.get_state_display()}"

    @property
    def is_landed(self) -> bool:
        return self.state == LandingState.LANDED
