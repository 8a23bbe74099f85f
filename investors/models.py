"""Investor docking: a venture-capital institution's interest in a service-library achievement
awaiting landing, and the docking staff arrange from it (meeting, outcome, investment)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from achievements.models import Achievement
from brokers.models import VentureRound
from kernel.validators import validate_amount
from towns.choices import Role
from towns.models import Enterprise

from .choices import DOCKING_ALLOWED_FROM, DockingStatus

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [validate_amount]}


class InterestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and leaders see every interest; an investor those of their institution."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.reads_everything:
            return self
        if user.role == Role.INVESTOR and user.enterprise_id:
            return self.filter(institution_id=user.enterprise_id)
        return self.none()


class InvestorInterest(models.Model):
    """A venture-capital institution's interest (投资意向) in one achievement: one per pair."""

    institution = models.ForeignKey(
        Enterprise,
        verbose_name=_("创投机构"),
        on_delete=models.PROTECT,
        related_name="investor_interests",
    )
    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.PROTECT,
        related_name="investor_interests",
    )
    expressed_by = models.ForeignKey(
        USER, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    intended_amount = models.DecimalField(_("拟投资金额（元）"), null=True, blank=True, **MONEY)
    note = models.TextField(_("意向说明"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = InterestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("投资意向")
        verbose_name_plural = _("投资意向")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "achievement"], name="investor_interest_once_per_pair"
            ),
        ]
        indexes = [models.Index(fields=["achievement", "-created_at"])]

    def __str__(self):
        return f"{self.institution} → {self.achievement}"


class DockingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        if user.reads_everything:
            return self
        if user.role == Role.INVESTOR and user.enterprise_id:
            return self.filter(interest__institution_id=user.enterprise_id)
        return self.none()


class Docking(models.Model):
    """The meeting staff arrange from an interest, its outcome, and the investment if any."""

    interest = models.OneToOneField(
        InvestorInterest,
        verbose_name=_("投资意向"),
        on_delete=models.PROTECT,
        related_name="docking",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=DockingStatus.choices, default=DockingStatus.ARRANGED
    )
    meeting_on = models.DateField(_("对接日期"))
    place = models.CharField(_("对接地点"), max_length=200, blank=True)
    participants = models.TextField(_("参会人员"))
    outcome = models.TextField(_("对接结果"), blank=True)
    venture_round = models.OneToOneField(
        VentureRound,
        verbose_name=_("创投融资"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="docking",
    )
    arranged_by = models.ForeignKey(
        USER, verbose_name=_("安排人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("安排时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DockingQuerySet.as_manager()
    # The workflow's allowed steps (kernel.transitions): target -> the statuses it may come from.
    TRANSITIONS = DOCKING_ALLOWED_FROM

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("创投对接")
        verbose_name_plural = _("创投对接")
        ordering = ["-meeting_on", "-id"]
        indexes = [models.Index(fields=["status", "-meeting_on"])]
        constraints = [
            # An investment is recorded as a venture round, and only then.
            models.CheckConstraint(
                condition=Q(status=DockingStatus.INVESTED, venture_round__isnull=False)
                | (~Q(status=DockingStatus.INVESTED) & Q(venture_round__isnull=True)),
                name="docking_invested_has_round",
            ),
            # A docking that took place says what came of it.
            models.CheckConstraint(
                condition=Q(status__in=[DockingStatus.ARRANGED, DockingStatus.CANCELLED])
                | ~Q(outcome=""),
                name="docking_held_has_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.interest} · {self.meeting_on}"

    def log_transition(self, *, from_status: str, to_status: str, actor, reason: str) -> None:
        """The whole reason of a step, for the docking's timeline (called by `transition`)."""
        DockingTransition.objects.create(
            docking=self, from_status=from_status, to_status=to_status, actor=actor, reason=reason
        )


class DockingTransition(models.Model):
    """Who moved a docking from which status to which, when and why."""

    docking = models.ForeignKey(
        Docking, verbose_name=_("创投对接"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        _("原状态"), max_length=20, choices=DockingStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=20, choices=DockingStatus.choices)
    actor = models.ForeignKey(
        USER, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("创投对接状态变更")
        verbose_name_plural = _("创投对接状态变更")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.docking_id}: {self.from_status} → {self.to_status}"
