"""The service library (成果服务库): one responsible person per case (包干制), milestone plans,
monthly follow-ups and the escalation of stalled cases."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from towns.models import Industry

from ..choices import EscalationOutcome, EscalationTier, RouteStatus
from .achievement import MONEY, Achievement


class AssignmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_at__isnull=True)


class Assignment(models.Model):
    """One period in which one person is responsible for a case; the open row is the current one."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        on_delete=models.PROTECT,
        related_name="service_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分配人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("分配说明"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("包干责任")
        verbose_name_plural = _("包干责任")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["assignee", "ended_at"])]
        constraints = [
            # 包干制: exactly one responsible person at a time.
            models.UniqueConstraint(
                fields=["achievement"],
                condition=Q(ended_at__isnull=True),
                name="assignment_one_current_per_achievement",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.achievement_id} → {self.assignee_id}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class MilestoneTemplate(models.Model):
    """A reusable milestone plan (e.g. for a company moving to Dongguan); admins maintain them."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("模板名称"), max_length=100)
    description = models.CharField(_("适用情形"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("里程碑模板")
        verbose_name_plural = _("里程碑模板")
        ordering = ["code"]

    def __str__(self):
        return self.name


class MilestoneTemplateStep(models.Model):
    template = models.ForeignKey(
        MilestoneTemplate,
        verbose_name=_("模板"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("节点名称"), max_length=100)
    offset_days = models.PositiveSmallIntegerField(
        _("计划完成（开始后天数）"), help_text=_("从计划开始日期起算的日历天数。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("模板节点")
        verbose_name_plural = _("模板节点")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="template_step_unique_order")
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"


class Milestone(models.Model):
    """One step of a case's milestone plan, with its due date and when it was reached."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    template = models.ForeignKey(
        MilestoneTemplate,
        verbose_name=_("来源模板"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("节点名称"), max_length=100)
    due_on = models.DateField(_("计划完成日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")
        ordering = ["achievement", "order"]
        indexes = [models.Index(fields=["done_on", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "order"], name="milestone_unique_order_per_achievement"
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_by__isnull=False),
                name="milestone_done_has_actor",
            ),
        ]

    def __str__(self):
        return self.title


class FollowUp(models.Model):
    """The monthly follow-up record of a case: one per case per calendar month."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    period = models.DateField(_("所属月份"), help_text=_("该月的第一天。"))
    followed_on = models.DateField(_("跟踪日期"))
    progress = models.TextField(_("进展情况"))
    next_step = models.TextField(_("下一步计划"))
    blockers = models.TextField(_("困难与问题"), blank=True)
    route_status = models.CharField(_("落地路径状态"), max_length=20, choices=RouteStatus.choices)
    has_progress = models.BooleanField(
        _("本月有实质性进展"),
        default=False,
        help_text=_("如签署协议、完成注册、取得批复、实现营收等。连续无进展将列入久推不动。"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("月度跟踪记录")
        verbose_name_plural = _("月度跟踪记录")
        ordering = ["-period", "-id"]
        indexes = [models.Index(fields=["achievement", "has_progress", "followed_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "period"], name="follow_up_one_per_case_per_month"
            ),
            models.CheckConstraint(
                condition=Q(followed_on__gte=F("period")), name="follow_up_date_in_its_month"
            ),
        ]

    def __str__(self):
        return f"{self.achievement_id} {self.period:%Y-%m}"


class FollowUpFlag(models.Model):
    """A month that ended without a follow-up record (flagged on the 1st of the next month)."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.CASCADE,
        related_name="follow_up_flags",
    )
    period = models.DateField(_("缺少记录的月份"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    flagged_at = models.DateTimeField(_("标记时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("补录时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("逾期未跟踪")
        verbose_name_plural = _("逾期未跟踪")
        ordering = ["-period", "-id"]
        indexes = [models.Index(fields=["resolved_at", "period"])]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "period"], name="follow_up_flag_one_per_case_per_month"
            )
        ]

    def __str__(self):
        return f"{self.achievement_id} {self.period:%Y-%m}"


class FollowUpReminder(models.Model):
    """Staff asked a case's responsible person to follow it up (催办): at most once a day per case,
    so that two members of staff sending reminders at the same moment send one."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.CASCADE,
        related_name="follow_up_reminders",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提醒人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_on = models.DateField(_("提醒日期"))
    sent_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("跟踪提醒")
        verbose_name_plural = _("跟踪提醒")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "sent_on"], name="follow_up_reminder_one_per_case_per_day"
            )
        ]

    def __str__(self):
        return f"{self.achievement_id} {self.sent_on:%Y-%m-%d}"


class IndustryLeader(models.Model):
    """The city leader in charge of an industry (分管市领导): receives ≥ 5亿元 escalations."""

    industry = models.ForeignKey(
        Industry,
        verbose_name=_("产业领域"),
        on_delete=models.CASCADE,
        related_name="city_leaders",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分管市领导"),
        on_delete=models.CASCADE,
        related_name="industries_in_charge",
        limit_choices_to={"role": "leader"},
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分管市领导")
        verbose_name_plural = _("分管市领导")
        ordering = ["industry", "leader"]
        constraints = [
            models.UniqueConstraint(
                fields=["industry", "leader"], name="industry_leader_unique_pair"
            )
        ]

    def __str__(self):
        return f"{self.industry} · {self.leader}"


class EscalationSettings(models.Model):
    """The routing settings of escalations, one row edited in the admin: the city leader who
    receives the ≥ 5亿元 cases of an industry that has no 分管市领导 of its own."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    default_city_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("默认分管市领导"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"role": "leader", "is_active": True},
        help_text=_(
            "产业领域未指定分管市领导时，预期综合经济贡献达到市领导报送标准的久推不动成果报送给此人；"
            "未设置时这些成果无法报送，将提示管理员。"
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("久推不动报送设置")
        verbose_name_plural = _("久推不动报送设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(singleton=True), name="escalation_settings_singleton"
            )
        ]

    def __str__(self):
        return str(_("久推不动报送设置"))


class EscalationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class Escalation(models.Model):
    """A stalled case (久推不动) reported to the tier its expected contribution calls for."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.CASCADE,
        related_name="escalations",
    )
    tier = models.CharField(_("报送层级"), max_length=20, choices=EscalationTier.choices)
    expected_contribution = models.DecimalField(
        _("预期综合经济贡献（元）"), null=True, blank=True, **MONEY
    )
    last_progress_on = models.DateField(_("最近进展日期"))
    escalated_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送对象"),
        related_name="received_escalations",
        blank=True,
    )
    unrouted = models.BooleanField(
        _("未能报送"),
        default=False,
        help_text=_("该产业领域没有分管市领导，也未设置默认分管市领导。"),
    )
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    resolution = models.CharField(_("解除原因"), max_length=200, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=20, choices=EscalationOutcome.choices, blank=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EscalationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("久推不动报送")
        verbose_name_plural = _("久推不动报送")
        ordering = ["-escalated_at", "-id"]
        indexes = [models.Index(fields=["tier", "resolved_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement"],
                condition=Q(resolved_at__isnull=True),
                name="escalation_one_open_per_achievement",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, outcome="")
                | (Q(resolved_at__isnull=False) & ~Q(outcome="")),
                name="escalation_outcome_when_resolved",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=EscalationOutcome.HANDLED) | Q(resolved_by__isnull=False),
                name="escalation_handled_has_actor",
            ),
            models.CheckConstraint(
                condition=Q(unrouted=False) | Q(tier=EscalationTier.CITY_LEADER),
                name="escalation_unrouted_only_city_tier",
            ),
        ]

    def __str__(self):
        return f"{self.achievement_id} {self.tier}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class EscalationInstruction(models.Model):
    """A leader's instruction (批示) on an escalated case; the responsible person is told."""

    escalation = models.ForeignKey(
        Escalation,
        verbose_name=_("久推不动报送"),
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    text = models.TextField(_("批示内容"), max_length=1000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批示人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("批示时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="escalation_instruction_not_empty")
        ]

    def __str__(self):
        return f"{self.escalation_id} {self.author_id}"
