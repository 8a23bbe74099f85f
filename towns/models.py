from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.validators import validate_phone, validate_uscc

from .choices import (
    BACK_OFFICE_ROLES,
    READ_ALL_ROLES,
    CarrierKind,
    CarrierLevel,
    DivisionKind,
    EnterpriseKind,
    EnterpriseStatus,
    IndustryCategory,
    Role,
    UnitKind,
)


class Division(models.Model):
    """A town-level division of Dongguan: subdistrict (街道), town (镇) or park (园区)."""

    code = models.CharField(_("统计用区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    short_name = models.CharField(_("简称"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DivisionKind.choices)
    slug = models.SlugField(_("拼音标识"), max_length=40, unique=True)
    area = models.CharField(_("所属片区"), max_length=20, blank=True)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("镇街（园区）")
        verbose_name_plural = _("镇街（园区）")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """An organisation that discovers achievements or is credited with landings."""

    code = models.CharField(_("单位代码"), max_length=20, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30)
    kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("所在镇街（园区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    default_discovery_target = models.PositiveIntegerField(
        _("默认年度发现目标"),
        null=True,
        blank=True,
        help_text=_("未单独设置某年目标时使用的年度成果发现目标（项）。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=UnitKind.DIVISION) | Q(division__isnull=False),
                name="unit_division_kind_has_division",
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    @property
    def is_division(self) -> bool:
        return self.kind == UnitKind.DIVISION


class Industry(models.Model):
    """The industry taxonomy used as the field (所属领域) of achievements and demands."""

    code = models.CharField(_("代码"), max_length=10, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    category = models.CharField(_("产业类别"), max_length=20, choices=IndustryCategory.choices)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("产业领域")
        verbose_name_plural = _("产业领域")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class PolicyValue(models.Model):
    """One policy number (rate, cap, threshold, count) for one year.

    Every screen, task and report reads policy numbers through `towns.policy`, never from code.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    key = models.CharField(_("参数"), max_length=80)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        ordering = ["key", "year"]
        constraints = [
            models.UniqueConstraint(fields=["year", "key"], name="policy_value_unique_year_key")
        ]

    def __str__(self):
        return f"{self.year} {self.key} = {self.value.normalize()}"


class Enterprise(models.Model):
    """A company (posts demands in the demand window; landings may be registered to it) or a
    venture-capital institution (创投机构: docks with service-library achievements)."""

    kind = models.CharField(
        _("注册类型"),
        max_length=20,
        choices=EnterpriseKind.choices,
        default=EnterpriseKind.COMPANY,
    )
    name = models.CharField(_("企业名称"), max_length=100)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("所在镇街（园区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("所属领域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("联系电话"), max_length=30, blank=True, validators=[validate_phone]
    )
    status = models.CharField(
        _("审核状态"),
        max_length=10,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.PENDING,
    )
    reviewed_by = models.ForeignKey(
        "towns.User",
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)

    # The allowed status steps (target: sources); kernel.transitions.transition enforces them.
    TRANSITIONS = {
        EnterpriseStatus.APPROVED: {EnterpriseStatus.PENDING},
        EnterpriseStatus.REJECTED: {EnterpriseStatus.PENDING},
    }

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(fields=["kind", "status"]),
        ]

    def __str__(self):
        return self.name

    @property
    def is_venture_capital(self) -> bool:
        return self.kind == EnterpriseKind.VENTURE_CAPITAL


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person using the portal. Every user has one role; most belong to a unit."""

    name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所属企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    phone = models.CharField(_("手机号码"), max_length=30, blank=True)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    daily_digest = models.BooleanField(
        _("每日汇总邮件"),
        default=False,
        help_text=_("开启后，通知不再逐条发送邮件，而是每天早上汇总成一封邮件。"),
    )

    objects = PortalUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            # A liaison officer registers for a unit, so must belong to one.
            models.CheckConstraint(
                condition=~Q(role=Role.LIAISON) | Q(unit__isnull=False),
                name="user_liaison_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.ENTERPRISE) | Q(enterprise__isnull=False),
                name="user_enterprise_has_enterprise",
            ),
            # An investor acts for the venture-capital institution it registered.
            models.CheckConstraint(
                condition=~Q(role=Role.INVESTOR) | Q(enterprise__isnull=False),
                name="user_investor_has_institution",
            ),
        ]
        indexes = [models.Index(fields=["role", "unit"])]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.role in roles

    @property
    def is_back_office(self) -> bool:
        return self.role in BACK_OFFICE_ROLES

    @property
    def reads_everything(self) -> bool:
        return self.role in READ_ALL_ROLES


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one person (the bell); mailed too when email is configured."""

    recipient = models.ForeignKey(
        User,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类别"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self):
        return self.title


class OutboxMessage(models.Model):
    """A Celery task to run, written in the same transaction as the business write that asks
    for it (transactional outbox). `towns.outbox` publishes it after the commit and, should the
    broker be down then, the relay run by beat every minute publishes it once Redis is back."""

    task = models.CharField(_("任务"), max_length=200)
    kwargs = models.JSONField(_("参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("投递时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("投递失败次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("待投递任务")
        verbose_name_plural = _("待投递任务")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                condition=Q(sent_at__isnull=True),
                name="towns_outbox_pending",
            )
        ]

    def __str__(self):
        return f"{self.task} #{self.pk}"


class WebhookKind(models.TextChoices):
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")


class WebhookChannel(models.Model):
    """A unit's group chat robot (企业微信 / 钉钉): its people's notifications are posted there
    too, besides the bell and e-mail. Set up by an admin in the Django admin."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="webhook_channels"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=WebhookKind.choices)
    name = models.CharField(_("名称"), max_length=100, help_text=_("如“市科技局成果转化工作群”。"))
    url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(
        _("加签密钥"),
        max_length=200,
        blank=True,
        help_text=_("钉钉机器人开启“加签”安全设置时填写（SEC 开头）；企业微信不需要。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("群机器人通知渠道")
        verbose_name_plural = _("群机器人通知渠道")
        ordering = ["unit__code", "pk"]

    def __str__(self):
        return f"{self.unit.short_name} · {self.name}"


class WebhookDelivery(models.Model):
    """One notification posted to one channel: the row is claimed (`claimed_at`) before
    posting, so that a retried or repeated task posts nothing twice, and marked sent
    (`sent_at`) only once the robot took it. A claim older than `channels.CLAIM_TIMEOUT` with
    no send is a worker that died on the way: the next run takes it again."""

    channel = models.ForeignKey(
        WebhookChannel, verbose_name=_("渠道"), on_delete=models.CASCADE, related_name="deliveries"
    )
    notification = models.ForeignKey(
        Notification, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("发送失败次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("群机器人推送记录")
        verbose_name_plural = _("群机器人推送记录")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "notification"], name="webhook_delivery_once"
            )
        ]

    def __str__(self):
        return f"{self.channel_id} · {self.notification_id}"


class NotificationDigest(models.Model):
    """The daily summary mail sent to one person on one day (one per person and day)."""

    recipient = models.ForeignKey(
        User, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="digests"
    )
    day = models.DateField(_("日期"))
    count = models.PositiveIntegerField(_("汇总通知数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("每日通知汇总")
        verbose_name_plural = _("每日通知汇总")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="notification_digest_once")
        ]

    def __str__(self):
        return f"{self.recipient_id} · {self.day}"


class JobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class BackgroundJob(models.Model):
    """Long work (a large export, a whole-period report, a big import) run as a task: who asked,
    how far it is, and the file it made. Its owner follows it on /jobs/ and is told when done."""

    owner = models.ForeignKey(
        User, verbose_name=_("发起人"), on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(_("结果文件名"), max_length=200, blank=True)
    result_url = models.CharField(_("结果链接"), max_length=300, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_percent")
        ]

    def __str__(self):
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


# --- People and carriers of the town programme (seed 000) -----------------------------------------


class BackOfficeRegisterQuerySet(models.QuerySet):
    """Registers kept by the service center: staff and admins change them, leaders read them."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.reads_everything:
            return self.none()
        return self


class RegisterEntry(models.Model):
    created_by = models.ForeignKey(
        "towns.User", verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = BackOfficeRegisterQuerySet.as_manager()

    class Meta:
        abstract = True


class TechCommissioner(RegisterEntry):
    """A 科技特派员 dispatched to a town to serve its enterprises (seed 000 三(二)1)."""

    name = models.CharField(_("姓名"), max_length=50)
    employer = models.CharField(_("派出单位"), max_length=200)
    expertise = models.CharField(_("专业领域"), max_length=200, blank=True)
    division = models.ForeignKey(
        Division, verbose_name=_("派驻镇街（园区）"), on_delete=models.PROTECT, related_name="+"
    )
    dispatched_on = models.DateField(_("派驻日期"))
    ended_on = models.DateField(_("派驻结束日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("科技特派员")
        verbose_name_plural = _("科技特派员")
        ordering = ["division__code", "name", "id"]
        indexes = [models.Index(fields=["division", "dispatched_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("dispatched_on")),
                name="commissioner_ends_after_dispatch",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.employer}）"


class IncubationCarrier(RegisterEntry):
    """A carrier of the incubation chain (众创空间 → 孵化器 → 加速器) with its level."""

    name = models.CharField(_("载体名称"), max_length=200, unique=True)
    kind = models.CharField(_("载体类型"), max_length=20, choices=CarrierKind.choices)
    level = models.CharField(_("载体级别"), max_length=20, choices=CarrierLevel.choices)
    division = models.ForeignKey(
        Division, verbose_name=_("所在镇街（园区）"), on_delete=models.PROTECT, related_name="+"
    )
    operator = models.CharField(_("运营主体"), max_length=200)
    recognised_year = models.PositiveSmallIntegerField(_("认定年度"))
    capacity = models.PositiveIntegerField(
        _("可入驻企业（团队）数"), help_text=_("载体可容纳的在孵企业或团队数。")
    )
    occupied = models.PositiveIntegerField(_("在驻企业（团队）数"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("孵化载体")
        verbose_name_plural = _("孵化载体")
        ordering = ["kind", "division__code", "name"]
        indexes = [models.Index(fields=["kind", "level"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(occupied__lte=models.F("capacity")),
                name="carrier_occupied_within_capacity",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def occupancy_percent(self) -> int | None:
        """入驻率 = 在驻 / 可入驻, whole percent."""
        if not self.capacity:
            return None
        return round(100 * self.occupied / self.capacity)


class IncubatedEnterprise(RegisterEntry):
    """An enterprise a carrier incubates; its graduation and whether it became a 高新技术企业.
    Whether it became a 瞪羚 enterprise is read from the gazelle register by its credit code."""

    carrier = models.ForeignKey(
        IncubationCarrier,
        verbose_name=_("孵化载体"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validate_uscc])
    entered_on = models.DateField(_("入孵日期"))
    graduated_on = models.DateField(_("毕业日期"), null=True, blank=True)
    high_tech_year = models.PositiveSmallIntegerField(
        _("认定高新技术企业年度"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("在孵（毕业）企业")
        verbose_name_plural = _("在孵（毕业）企业")
        ordering = ["carrier__name", "-entered_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "credit_code"], name="incubated_enterprise_once_per_carrier"
            ),
            models.CheckConstraint(
                condition=Q(graduated_on__isnull=True)
                | Q(graduated_on__gte=models.F("entered_on")),
                name="incubated_graduates_after_entry",
            ),
        ]

    def __str__(self):
        return self.name
