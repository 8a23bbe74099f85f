"""Matchmaking events (成果转化对接会): achievements presented, enterprises registered, outcomes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.validators import validate_phone
from towns.choices import Role
from towns.models import Division, Enterprise, Industry

from ..choices import EventOutcomeKind, EventStatus
from .achievement import MONEY, Achievement


class MatchmakingEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and leaders see every event; other signed-in users those not cancelled."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.role in (Role.CENTER_STAFF, Role.ADMIN, Role.LEADER):
            return self
        return self.exclude(status=EventStatus.CANCELLED)

    def held_in(self, year: int):
        return self.filter(status=EventStatus.HELD, held_on__year=year)


class MatchmakingEvent(models.Model):
    title = models.CharField(_("活动名称"), max_length=120)
    held_on = models.DateField(_("举办日期"))
    place = models.CharField(_("举办地点"), max_length=200)
    division = models.ForeignKey(
        Division,
        verbose_name=_("举办镇街（园区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matchmaking_events",
    )
    organizer = models.CharField(_("主办单位"), max_length=200)
    description = models.TextField(_("活动简介"), blank=True)
    fields = models.ManyToManyField(
        Industry, verbose_name=_("对接领域"), related_name="matchmaking_events", blank=True
    )
    achievements = models.ManyToManyField(
        Achievement,
        verbose_name=_("路演成果"),
        related_name="matchmaking_events",
        blank=True,
    )
    registration_deadline = models.DateField(_("报名截止日期"), null=True, blank=True)
    total_spend = models.DecimalField(_("活动总支出（元）"), null=True, blank=True, **MONEY)
    status = models.CharField(
        _("状态"), max_length=10, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("状态确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status_changed_at = models.DateTimeField(_("状态确认时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # The allowed status steps (target: sources); kernel.transitions.transition enforces them.
    TRANSITIONS = {
        EventStatus.HELD: {EventStatus.PLANNED},
        EventStatus.CANCELLED: {EventStatus.PLANNED},
    }

    objects = MatchmakingEventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("成果转化对接会")
        verbose_name_plural = _("成果转化对接会")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["status", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_spend__isnull=True) | Q(total_spend__gte=0),
                name="event_spend_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__isnull=True)
                | Q(registration_deadline__lte=models.F("held_on")),
                name="event_deadline_before_event",
            ),
        ]

    def __str__(self):
        return self.title


class EventRegistration(models.Model):
    """An enterprise registered for an event (online, or by staff on its behalf)."""

    event = models.ForeignKey(
        MatchmakingEvent, on_delete=models.CASCADE, related_name="registrations"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    attendee_name = models.CharField(_("参会人"), max_length=50)
    attendee_phone = models.CharField(_("联系电话"), max_length=30, validators=[validate_phone])
    attendees = models.PositiveSmallIntegerField(_("参会人数"), default=1)
    interests = models.CharField(_("关注方向"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报名人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("对接会报名")
        verbose_name_plural = _("对接会报名")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "enterprise"], name="event_registration_once"),
            models.CheckConstraint(
                condition=Q(attendees__gte=1, attendees__lte=20),
                name="event_registration_attendees_1_to_20",
            ),
        ]

    def __str__(self):
        return f"{self.event} · {self.enterprise}"


class EventOutcome(models.Model):
    """What came out of an event: a cooperation intention or a signed contract."""

    event = models.ForeignKey(MatchmakingEvent, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("成效类型"), max_length=10, choices=EventOutcomeKind.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise_name = models.CharField(
        _("企业名称"), max_length=100, help_text=_("未在平台注册的企业，直接填写名称。")
    )
    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("相关成果"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    amount = models.DecimalField(_("金额（元）"), null=True, blank=True, **MONEY)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("对接会成效")
        verbose_name_plural = _("对接会成效")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="event_outcome_amount_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.event} · {self.get_kind_display()} · {self.enterprise_name}"
