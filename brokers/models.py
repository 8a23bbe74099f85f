"""The transfer ecosystem: brokers, technology contracts, venture capital, intermediaries,
proof-of-concept centers, subsidised events, the yearly rewards and the town-programme registers.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from achievements.models import Achievement, Demand
from kernel.validators import validate_amount, validate_uscc
from kernel.wording import render_note
from towns.choices import Role
from towns.models import (
    BackOfficeRegisterQuerySet,
    Division,
    Industry,
    TechCommissioner,
)

from .choices import (
    SELECTION_DECISIONS,
    BrokerStatus,
    Comparison,
    ContractType,
    EventKind,
    FundLevel,
    ImportStatus,
    InvestmentRound,
    PlanMetric,
    PocKind,
    PocStatus,
    Programme,
    Rating,
    RewardListStatus,
    RewardRule,
    SelectionStage,
)

# Amounts in yuan; at most kernel/limits.py MAX_AMOUNT_YUAN (forms, the API and imports alike).
MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [validate_amount]}
USER = settings.AUTH_USER_MODEL


# The service center's registers are read as the town programme's are (towns.models): staff
# and admins change them, leaders read them.
StaffReadQuerySet = BackOfficeRegisterQuerySet


class Stamped(models.Model):
    created_by = models.ForeignKey(
        USER, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


# --- Brokers -------------------------------------------------------------------------------------


class CertificateLevel(models.Model):
    """初级 / 中级 / 高级, and whether that level may enter the library (policy.json)."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("证书等级"), max_length=30)
    eligible_for_library = models.BooleanField(_("可入库"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("技术经纪人证书等级")
        verbose_name_plural = _("技术经纪人证书等级")
        ordering = ["sort_order"]

    def __str__(self):
        return self.name


class TrainingBase(models.Model):
    """A base that issues broker certificates; only recognised ones qualify for the library."""

    name = models.CharField(_("培养基地名称"), max_length=100, unique=True)
    recognised = models.BooleanField(
        _("认可的培养基地"),
        default=False,
        help_text=_("国家技术转移人才培养基地（广东）或其他同等级的培养基地。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("技术经纪人培养基地")
        verbose_name_plural = _("技术经纪人培养基地")
        ordering = ["-recognised", "name"]

    def __str__(self):
        return self.name


class BrokerQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        if user.reads_everything:
            return self
        if user.role == Role.BROKER:
            return self.filter(user=user)
        return self.none()

    def in_library(self):
        return self.filter(status=BrokerStatus.IN_LIBRARY)


class Broker(Stamped):
    """A technology broker (技术经纪（理）人) and their certificate."""

    user = models.OneToOneField(
        USER,
        verbose_name=_("登录账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="broker_profile",
        limit_choices_to={"role": Role.BROKER},
    )
    name = models.CharField(_("姓名"), max_length=50)
    employer = models.CharField(_("工作单位"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    fields = models.ManyToManyField(
        Industry, verbose_name=_("擅长领域"), related_name="brokers", blank=True
    )
    certificate_level = models.ForeignKey(
        CertificateLevel, verbose_name=_("证书等级"), on_delete=models.PROTECT, related_name="+"
    )
    training_base = models.ForeignKey(
        TrainingBase, verbose_name=_("发证培养基地"), on_delete=models.PROTECT, related_name="+"
    )
    certificate_number = models.CharField(_("证书编号"), max_length=50, unique=True)
    certificate_date = models.DateField(_("发证日期"))
    certificate_file = models.FileField(
        _("证书扫描件"), upload_to="brokers/certificates/%Y/", blank=True
    )
    status = models.CharField(
        _("入库状态"), max_length=20, choices=BrokerStatus.choices, default=BrokerStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        USER,
        verbose_name=_("核验人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    review_note = models.CharField(_("核验意见"), max_length=300, blank=True)

    # The allowed status steps (target: sources); kernel.transitions.transition enforces them.
    TRANSITIONS = {
        BrokerStatus.IN_LIBRARY: {BrokerStatus.PENDING},
        BrokerStatus.REJECTED: {BrokerStatus.PENDING},
        BrokerStatus.PENDING: {BrokerStatus.IN_LIBRARY, BrokerStatus.REJECTED},
    }

    objects = BrokerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("技术经纪人")
        verbose_name_plural = _("技术经纪（理）人库")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["status", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=BrokerStatus.IN_LIBRARY) | Q(reviewed_by__isnull=False),
                name="broker_in_library_was_reviewed",
            ),
        ]

    def __str__(self):
        return self.name

    def log_transition(self, *, from_status: str, to_status: str, actor, reason: str) -> None:
        """Who verified or refused the certificate and why (called by `transition`)."""
        BrokerReview.objects.create(
            broker=self, from_status=from_status, to_status=to_status, actor=actor, note=reason
        )


class BrokerReview(models.Model):
    """Who verified or refused a broker's certificate, when, and why."""

    broker = models.ForeignKey(Broker, on_delete=models.CASCADE, related_name="reviews")
    from_status = models.CharField(_("原状态"), max_length=20, choices=BrokerStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=BrokerStatus.choices)
    actor = models.ForeignKey(USER, verbose_name=_("操作人"), on_delete=models.PROTECT)
    note = models.CharField(_("意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("经纪人核验记录")
        verbose_name_plural = _("经纪人核验记录")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.broker_id}: {self.from_status} → {self.to_status}"


# --- Technology contracts ------------------------------------------------------------------------


class TechContractQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        if user.reads_everything:
            return self
        if user.role == Role.BROKER:
            return self.filter(broker_shares__broker__user=user).distinct()
        return self.none()

    def registered_in(self, year: int):
        return self.filter(registered_on__year=year)

    def with_dongguan_party(self):
        return self.filter(Q(seller_division__isnull=False) | Q(buyer_division__isnull=False))


class TechContract(Stamped):
    """A registered technology contract (技术合同) and who and what it credits."""

    title = models.CharField(_("合同名称"), max_length=200)
    contract_type = models.CharField(_("合同类型"), max_length=20, choices=ContractType.choices)
    registration_number = models.CharField(_("登记编号"), max_length=50, unique=True)
    registered_on = models.DateField(_("登记日期"))
    amount = models.DecimalField(_("合同成交额（元）"), **MONEY)
    seller_name = models.CharField(_("卖方（受托方）"), max_length=200)
    seller_division = models.ForeignKey(
        Division,
        verbose_name=_("卖方所在镇街（园区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("东莞市内主体请选择所在镇街；市外主体留空。"),
    )
    buyer_name = models.CharField(_("买方（委托方）"), max_length=200)
    buyer_division = models.ForeignKey(
        Division,
        verbose_name=_("买方所在镇街（园区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("东莞市内主体请选择所在镇街；市外主体留空。"),
    )
    achievements = models.ManyToManyField(
        Achievement, verbose_name=_("关联成果"), related_name="tech_contracts", blank=True
    )
    note = models.TextField(_("备注"), blank=True)

    objects = TechContractQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[achievements])

    class Meta:
        verbose_name = _("技术合同")
        verbose_name_plural = _("技术合同")
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["registered_on"]),
            models.Index(fields=["contract_type", "registered_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
        ]

    def __str__(self):
        return f"{self.registration_number} {self.title}"

    @property
    def has_dongguan_party(self) -> bool:
        return bool(self.seller_division_id or self.buyer_division_id)


class ContractBroker(models.Model):
    """A broker credited on a contract, with their share of the facilitated amount (%)."""

    contract = models.ForeignKey(
        TechContract, on_delete=models.CASCADE, related_name="broker_shares"
    )
    broker = models.ForeignKey(
        Broker, verbose_name=_("技术经纪人"), on_delete=models.PROTECT, related_name="shares"
    )
    share = models.DecimalField(_("份额（%）"), max_digits=5, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("合同经纪人份额")
        verbose_name_plural = _("合同经纪人份额")
        ordering = ["-share", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "broker"], name="contract_broker_unique"),
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lte=100), name="contract_broker_share_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.broker} {self.share}%"


class ContractImport(models.Model):
    """An uploaded contract sheet between preview and confirmation (and afterwards, the record)."""

    file = models.FileField(_("文件"), upload_to="brokers/imports/%Y/")
    original_name = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    row_count = models.PositiveIntegerField(_("导入行数"), default=0)
    uploaded_by = models.ForeignKey(USER, verbose_name=_("上传人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认导入时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("技术合同导入")
        verbose_name_plural = _("技术合同导入")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name


# --- Venture capital -----------------------------------------------------------------------------


class Fund(Stamped):
    """A fund of the city's tech-achievement angel fund system (天使母基金 and its 子基金): a
    child fund names its parent and the division or platform it was set up with."""

    name = models.CharField(_("基金名称"), max_length=200, unique=True)
    level = models.CharField(_("基金层级"), max_length=10, choices=FundLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属母基金"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"level": FundLevel.PARENT},
    )
    partner_division = models.ForeignKey(
        Division,
        verbose_name=_("合作镇街（园区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partner_platform = models.CharField(
        _("合作平台"),
        max_length=200,
        blank=True,
        help_text=_("与镇街（园区）以外的平台（如高校、实验室、产业园）合作设立时填写。"),
    )
    manager = models.CharField(_("基金管理人"), max_length=200, blank=True)
    size = models.DecimalField(_("基金规模（元）"), **MONEY)
    fields = models.ManyToManyField(
        Industry, verbose_name=_("重点投资领域"), related_name="funds", blank=True
    )
    established_on = models.DateField(_("设立日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("天使母基金和子基金")
        verbose_name_plural = _("天使母基金和子基金")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="fund_size_positive"),
            # A parent fund stands alone; a child fund belongs to a parent fund.
            models.CheckConstraint(
                condition=(Q(level=FundLevel.PARENT) & Q(parent__isnull=True))
                | (Q(level=FundLevel.CHILD) & Q(parent__isnull=False)),
                name="fund_child_has_parent",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.level == FundLevel.CHILD and self.parent_id is None:
            raise ValidationError({"parent": _("子基金须选择所属母基金。")})
        if self.level == FundLevel.PARENT and self.parent_id is not None:
            raise ValidationError({"parent": _("母基金不隶属于其他基金。")})
        if self.parent is not None and self.parent.level != FundLevel.PARENT:
            raise ValidationError({"parent": _("所属基金须为母基金。")})
        if self.level == FundLevel.CHILD and not (
            self.partner_division_id or self.partner_platform.strip()
        ):
            raise ValidationError(
                {"partner_division": _("子基金须填写合作镇街（园区）或合作平台。")}
            )


class VentureRound(Stamped):
    """A venture-capital round raised by an achievement (its company or team)."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.PROTECT,
        related_name="venture_rounds",
    )
    investor = models.CharField(_("投资机构"), max_length=200)
    fund = models.ForeignKey(
        Fund,
        verbose_name=_("出资基金"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="venture_rounds",
        help_text=_("由天使母基金或子基金出资时选择。"),
    )
    round = models.CharField(_("融资轮次"), max_length=20, choices=InvestmentRound.choices)
    amount = models.DecimalField(_("融资金额（元）"), **MONEY)
    invested_on = models.DateField(_("融资日期"))
    note = models.CharField(_("备注"), max_length=300, blank=True)

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("创投融资")
        verbose_name_plural = _("创投融资")
        ordering = ["-invested_on", "-id"]
        indexes = [models.Index(fields=["invested_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="venture_amount_positive"),
        ]

    def __str__(self):
        return f"{self.achievement} {self.get_round_display()}"


# --- S&T intermediaries and proof-of-concept centers ---------------------------------------------


class Intermediary(Stamped):
    """An S&T intermediary service firm (科技中介服务机构)."""

    name = models.CharField(_("机构名称"), max_length=200, unique=True)
    division = models.ForeignKey(
        Division,
        verbose_name=_("所在镇街（园区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    fields = models.ManyToManyField(
        Industry, verbose_name=_("服务领域"), related_name="intermediaries", blank=True
    )
    recognition_year = models.PositiveSmallIntegerField(
        _("备案（认定）年度"), null=True, blank=True
    )
    first_above_scale_year = models.PositiveSmallIntegerField(
        _("首次上规年度"),
        null=True,
        blank=True,
        help_text=_("首次成长为规模以上科技服务企业的年度；该年度给予一次性奖励。"),
    )
    landed_projects = models.ManyToManyField(
        Achievement, verbose_name=_("服务的落地成果"), related_name="intermediaries", blank=True
    )
    note = models.TextField(_("备注"), blank=True)

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("科技中介服务机构")
        verbose_name_plural = _("科技中介服务机构")
        ordering = ["name"]
        indexes = [models.Index(fields=["first_above_scale_year"])]

    def __str__(self):
        return self.name


class IntermediaryRating(Stamped):
    """A year's service-performance rating; demonstration candidates get a proposed grant."""

    intermediary = models.ForeignKey(
        Intermediary, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="ratings"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    rating = models.CharField(_("绩效评价"), max_length=20, choices=Rating.choices)
    score = models.DecimalField(_("绩效得分"), max_digits=5, decimal_places=2)
    service_revenue = models.DecimalField(_("服务收入（元）"), null=True, blank=True, **MONEY)
    demonstration = models.BooleanField(_("推荐为示范机构"), default=False)
    proposed_amount = models.DecimalField(
        _("按绩效拟资助金额（元）"), null=True, blank=True, **MONEY
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("科技中介绩效评价")
        verbose_name_plural = _("科技中介绩效评价")
        ordering = ["-year", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["intermediary", "year"], name="intermediary_rating_unique"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="intermediary_score_0_100"
            ),
            models.CheckConstraint(
                condition=~Q(demonstration=True) | Q(proposed_amount__isnull=False),
                name="demonstration_has_amount",
            ),
        ]

    def __str__(self):
        return f"{self.intermediary} {self.year} {self.get_rating_display()}"


class PocCenter(Stamped):
    """A proof-of-concept center or pilot base (概念验证中心 / 中试基地)."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=PocKind.choices)
    operator = models.CharField(_("建设运营主体"), max_length=200)
    division = models.ForeignKey(
        Division,
        verbose_name=_("所在镇街（园区）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    fields = models.ManyToManyField(
        Industry, verbose_name=_("服务领域"), related_name="poc_centers", blank=True
    )
    status = models.CharField(
        _("认定状态"), max_length=20, choices=PocStatus.choices, default=PocStatus.BUILDING
    )
    recognised_year = models.PositiveSmallIntegerField(_("认定年度"), null=True, blank=True)
    recognised_by = models.ForeignKey(
        USER,
        verbose_name=_("认定操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recognised_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    recognition_support = models.DecimalField(
        _("拟一次性支持金额（元）"),
        null=True,
        blank=True,
        help_text=_("认定后一次性支持，按政策上限封顶。"),
        **MONEY,
    )
    note = models.TextField(_("备注"), blank=True)

    # The allowed status steps (target: sources); kernel.transitions.transition enforces them.
    TRANSITIONS = {PocStatus.RECOGNISED: {PocStatus.BUILDING}}

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("概念验证中心（中试基地）")
        verbose_name_plural = _("概念验证中心（中试基地）")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "recognised_year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=PocStatus.BUILDING)
                | Q(recognised_year__isnull=False, recognised_by__isnull=False),
                name="poc_recognised_has_year",
            ),
        ]

    def __str__(self):
        return self.name


class PocEvaluation(Stamped):
    """The performance evaluation held every two years after recognition."""

    center = models.ForeignKey(
        PocCenter,
        verbose_name=_("概念验证中心"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    year = models.PositiveSmallIntegerField(_("评估年度"))
    rating = models.CharField(_("绩效评估结果"), max_length=20, choices=Rating.choices)
    note = models.CharField(_("评估意见"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("概念验证中心绩效评估")
        verbose_name_plural = _("概念验证中心绩效评估")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["center", "year"], name="poc_evaluation_unique"),
        ]

    def __str__(self):
        return f"{self.center} {self.year} {self.get_rating_display()}"


class PocProject(Stamped):
    """A landed project transformed through a center, with its contribution in one year."""

    center = models.ForeignKey(
        PocCenter, verbose_name=_("概念验证中心"), on_delete=models.CASCADE, related_name="projects"
    )
    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("落地成果"),
        on_delete=models.PROTECT,
        related_name="poc_projects",
    )
    year = models.PositiveSmallIntegerField(_("贡献年度"))
    contribution = models.DecimalField(_("综合贡献（元）"), **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("概念验证中心转化落地项目")
        verbose_name_plural = _("概念验证中心转化落地项目")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "achievement", "year"], name="poc_project_unique"
            ),
            models.CheckConstraint(
                condition=Q(contribution__gte=0), name="poc_contribution_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.center} · {self.achievement} ({self.year})"


# --- Events and outstanding individuals ----------------------------------------------------------


class SubsidisedEvent(Stamped):
    """A competition, forum or exhibition on achievement transfer held by a social organisation."""

    name = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(_("活动类型"), max_length=20, choices=EventKind.choices)
    organiser = models.CharField(_("举办（承办）单位"), max_length=200)
    held_on = models.DateField(_("举办日期"))
    total_spend = models.DecimalField(_("经核定总支出（元）"), **MONEY)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("成果转化活动")
        verbose_name_plural = _("成果转化活动（资助）")
        ordering = ["-held_on", "id"]
        indexes = [models.Index(fields=["held_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(total_spend__gt=0), name="event_spend_positive"),
        ]

    def __str__(self):
        return self.name


class OutstandingIndividual(Stamped):
    """A candidate for the year's outstanding technology-transfer individuals."""

    year = models.PositiveSmallIntegerField(_("评选年度"))
    name = models.CharField(_("姓名"), max_length=50)
    broker = models.ForeignKey(
        Broker,
        verbose_name=_("在库技术经纪人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
    )
    employer = models.CharField(_("工作单位"), max_length=100)
    merit = models.TextField(_("主要事迹"))
    score = models.DecimalField(_("评审得分"), max_digits=5, decimal_places=2)
    proposed_amount = models.DecimalField(_("拟奖励金额（元）"), **MONEY)

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("优秀技术转移转化个人候选")
        verbose_name_plural = _("优秀技术转移转化个人评选")
        ordering = ["-year", "-score", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="outstanding_score_0_100"
            ),
            models.CheckConstraint(
                condition=Q(proposed_amount__gte=0), name="outstanding_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"


# --- Rewards -------------------------------------------------------------------------------------


class RewardList(models.Model):
    """The year's incentive rewards, computed by rule; approved once, then frozen."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=RewardListStatus.choices,
        default=RewardListStatus.DRAFT,
    )
    total = models.DecimalField(_("奖励总额（元）"), default=0, **MONEY)
    computed_by = models.ForeignKey(
        USER, verbose_name=_("计算人"), on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField(_("计算时间"))
    approved_by = models.ForeignKey(
        USER,
        verbose_name=_("审定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)

    # The allowed status steps (target: sources); kernel.transitions.transition enforces them.
    TRANSITIONS = {RewardListStatus.APPROVED: {RewardListStatus.DRAFT}}

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度奖励清单")
        verbose_name_plural = _("年度奖励清单")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=RewardListStatus.APPROVED)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="reward_list_approved_has_approver",
            ),
        ]

    def __str__(self):
        return f"{self.year}年度奖励清单"

    @property
    def is_approved(self) -> bool:
        return self.status == RewardListStatus.APPROVED


class RewardSettings(models.Model):
    """How reward lists are approved: one row, changed only by an admin in the Django admin
    (an environment variable would let whoever runs the server switch it off)."""

    four_eyes = models.BooleanField(
        _("四眼原则"),
        default=True,
        help_text=_("开启时，计算奖励清单的人不能审定该清单，须由另一位工作人员审定。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("奖励审定设置")
        verbose_name_plural = _("奖励审定设置")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="reward_settings_single_row"),
        ]

    def __str__(self):
        return str(_("奖励审定设置"))


class RewardLine(models.Model):
    """One reward: the rule, the beneficiary, the inputs the rule read, and the amount."""

    reward_list = models.ForeignKey(RewardList, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("序号"))
    rule = models.CharField(_("奖励类别"), max_length=40, choices=RewardRule.choices)
    beneficiary = models.CharField(_("奖励对象"), max_length=200)
    broker = models.ForeignKey(
        Broker, on_delete=models.PROTECT, null=True, blank=True, related_name="reward_lines"
    )
    # Each input pair and the note are stored notes (kernel.wording) worded for the reader;
    # `basis` keeps the Chinese text, and is what rows computed before notes existed show.
    inputs = models.JSONField(_("计算依据"), default=list)
    basis = models.CharField(_("计算说明"), max_length=500)
    basis_note = models.JSONField(_("计算说明（按语言显示）"), default=dict, blank=True)
    amount = models.DecimalField(_("奖励金额（元）"), **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("奖励明细")
        verbose_name_plural = _("奖励明细")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["reward_list", "position"], name="reward_line_position_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="reward_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_rule_display()} {self.beneficiary}"

    @property
    def basis_text(self) -> str:
        """The note in the reader's language (the stored Chinese text for older rows)."""
        return render_note(self.basis_note) if self.basis_note else self.basis

    @property
    def input_rows(self) -> list[tuple[str, str]]:
        return [(render_note(label), render_note(value)) for label, value in self.inputs]


# --- Town-programme registers (seed 000) ----------------------------------------------------------


class ProgrammeTarget(models.Model):
    """A target of a town-programme register, loaded from the reference files."""

    programme = models.CharField(_("工作台账"), max_length=40, choices=Programme.choices)
    year = models.PositiveSmallIntegerField(_("目标年度"))
    target = models.PositiveIntegerField(_("目标值"))
    target_max = models.PositiveIntegerField(_("目标上限"), null=True, blank=True)
    comparison = models.CharField(_("比较方式"), max_length=10, choices=Comparison.choices)
    unit = models.CharField(_("计量单位"), max_length=10)
    source = models.CharField(_("依据"), max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("镇街工作目标")
        verbose_name_plural = _("镇街工作目标")
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="programme_target_unique"),
            models.CheckConstraint(
                condition=~Q(comparison=Comparison.RANGE) | Q(target_max__isnull=False),
                name="programme_target_range_has_max",
            ),
        ]

    def __str__(self):
        return f"{self.get_programme_display()} {self.year}: {self.target}"

    def is_met(self, actual: int) -> bool:
        if self.comparison == Comparison.MORE_THAN:
            return actual > self.target
        return actual >= self.target


class MajorProject(Stamped):
    """A town project entered in the city major S&T project library (市重大科技项目库)."""

    name = models.CharField(_("项目名称"), max_length=200)
    lead_enterprise = models.CharField(_("牵头企业"), max_length=200)
    division = models.ForeignKey(
        Division, verbose_name=_("所在镇街（园区）"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.ForeignKey(
        Industry, verbose_name=_("所属领域"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("入库年度"))
    note = models.CharField(_("备注"), max_length=300, blank=True)

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("市重大科技项目库入库项目")
        verbose_name_plural = _("市重大科技项目库入库项目")
        ordering = ["-year", "division__code", "name"]
        indexes = [models.Index(fields=["year", "division"])]

    def __str__(self):
        return self.name


class GazelleEnterprise(Stamped):
    """A town enterprise in the gazelle enterprise incubation library (瞪羚企业培育库)."""

    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    division = models.ForeignKey(
        Division, verbose_name=_("所在镇街（园区）"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.ForeignKey(
        Industry, verbose_name=_("所属领域"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("入库年度"))

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("瞪羚培育企业")
        verbose_name_plural = _("瞪羚企业培育库")
        ordering = ["-year", "division__code", "name"]
        indexes = [models.Index(fields=["year", "division"])]

    def __str__(self):
        return self.name


class CooperationProject(Stamped):
    """An industry–university cooperation project brokered by a town (产学研合作项目)."""

    title = models.CharField(_("项目名称"), max_length=200)
    enterprise = models.CharField(_("合作企业"), max_length=200)
    institution = models.CharField(_("合作高校院所"), max_length=200)
    division = models.ForeignKey(
        Division, verbose_name=_("促成镇街（园区）"), on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(_("签约日期"))
    amount = models.DecimalField(_("合作金额（元）"), null=True, blank=True, **MONEY)

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("产学研合作项目")
        verbose_name_plural = _("产学研合作项目")
        ordering = ["-signed_on", "id"]
        indexes = [models.Index(fields=["signed_on", "division"])]

    def __str__(self):
        return self.title


class InnovationComplex(Stamped):
    """An innovation and entrepreneurship complex co-built by the city and a town."""

    name = models.CharField(_("综合体名称"), max_length=200, unique=True)
    division = models.ForeignKey(
        Division, verbose_name=_("所在镇街（园区）"), on_delete=models.PROTECT, related_name="+"
    )
    operator = models.CharField(_("运营主体"), max_length=200)
    fields = models.ManyToManyField(
        Industry, verbose_name=_("主导领域"), related_name="innovation_complexes", blank=True
    )
    year = models.PositiveSmallIntegerField(_("建成年度"))

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("创新创业综合体")
        verbose_name_plural = _("创新创业综合体")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name


class DemonstrationTown(Stamped):
    """A town recognised as an S&T innovation demonstration town (科技创新示范镇)."""

    division = models.OneToOneField(
        Division, verbose_name=_("镇街（园区）"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("认定年度"))
    highlights = models.TextField(_("创建亮点"), blank=True)

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("科技创新示范镇")
        verbose_name_plural = _("科技创新示范镇")
        ordering = ["-year", "division__code"]

    def __str__(self):
        return str(self.division)


class CommissionerService(Stamped):
    """A 科技特派员's service to an enterprise of their town: the problem, the result, and the
    enterprise demand it helped solve (if it was posted on the demand window)."""

    commissioner = models.ForeignKey(
        TechCommissioner,
        verbose_name=_("科技特派员"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    enterprise = models.CharField(_("服务企业"), max_length=200)
    served_on = models.DateField(_("服务日期"))
    problem = models.TextField(_("企业技术问题"))
    result = models.TextField(_("服务成效"), blank=True)
    demand = models.ForeignKey(
        Demand,
        verbose_name=_("帮助解决的企业需求"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commissioner_services",
    )
    solved = models.BooleanField(_("问题已解决"), default=False)

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("科技特派员服务记录")
        verbose_name_plural = _("科技特派员服务记录")
        ordering = ["-served_on", "-id"]
        indexes = [models.Index(fields=["served_on", "commissioner"])]

    def __str__(self):
        return f"{self.commissioner.name} → {self.enterprise}"


class TownSelection(Stamped):
    """The selection (遴选) and recognition (认定) of a 科技创新示范镇 among the 创新强镇, with the
    criteria of seed 000 三(四)2 assessed and the town's 五个一 work mechanism written down for the
    five fields of city–town linkage the same sentence names. Recognition enters the town into the
    demonstration-town register (`town_selection_decide`)."""

    division = models.ForeignKey(
        Division, verbose_name=_("镇街（园区）"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("遴选年度"))
    innovation_strong_town = models.BooleanField(
        _("属创新强镇"), help_text=_("示范镇在创新强镇中遴选、认定。")
    )
    leading_industries = models.CharField(_("主导产业或新兴产业"), max_length=200)
    support_role = models.TextField(_("科技创新对主导产业或新兴产业的支撑、引领作用"))
    industry_profile = models.TextField(_("产业特色、产业定位和资源禀赋"))
    # 五个一: the five fields of 市镇联动 named in the same sentence of the seed.
    mechanism_rd_projects = models.TextField(_("重点研发项目"), blank=True)
    mechanism_service_platforms = models.TextField(_("科技服务平台"), blank=True)
    mechanism_complexes = models.TextField(_("双创综合体"), blank=True)
    mechanism_cooperation = models.TextField(_("产学研合作"), blank=True)
    mechanism_investment = models.TextField(_("科技招商"), blank=True)
    stage = models.CharField(
        _("遴选状态"),
        max_length=20,
        choices=SelectionStage.choices,
        default=SelectionStage.NOMINATED,
    )
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("认定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    decision_note = models.CharField(_("认定意见"), max_length=300, blank=True)

    objects = StaffReadQuerySet.as_manager()
    # The recognition steps (kernel.transitions): 认定 or 不予认定, once, from 遴选中.
    TRANSITION_FIELD = "stage"
    TRANSITIONS = {decision: {SelectionStage.NOMINATED} for decision in SELECTION_DECISIONS}

    history = HistoricalRecords()

    MECHANISM_FIELDS = (
        "mechanism_rd_projects",
        "mechanism_service_platforms",
        "mechanism_complexes",
        "mechanism_cooperation",
        "mechanism_investment",
    )

    class Meta:
        verbose_name = _("科技创新示范镇遴选")
        verbose_name_plural = _("科技创新示范镇遴选")
        ordering = ["-year", "division__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "year"], name="town_selection_once_per_year"
            ),
            models.CheckConstraint(
                condition=Q(stage=SelectionStage.NOMINATED)
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="town_selection_decision_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.division}"

    @property
    def mechanism(self) -> list[tuple[str, str]]:
        """The 五个一 work mechanism: (field label, what the town does), in the seed's order."""
        return [
            (str(self._meta.get_field(name).verbose_name), getattr(self, name))
            for name in self.MECHANISM_FIELDS
        ]

    @property
    def mechanism_complete(self) -> bool:
        return all(getattr(self, name).strip() for name in self.MECHANISM_FIELDS)


class IndustrialisationAward(Stamped):
    """A major project with outstanding industrialisation performance proposed for the award
    of seed 000 二(一)1 (“对产业化绩效突出的给予最高500万元奖励”); the cap is a policy number."""

    project = models.ForeignKey(
        MajorProject,
        verbose_name=_("市重大科技项目"),
        on_delete=models.PROTECT,
        related_name="industrialisation_awards",
    )
    year = models.PositiveSmallIntegerField(_("奖励年度"))
    performance = models.TextField(_("产业化绩效"))
    proposed_amount = models.DecimalField(_("拟奖励金额（元）"), **MONEY)

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("产业化绩效奖励申报")
        verbose_name_plural = _("产业化绩效奖励申报")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"], name="industrialisation_award_once_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.project}"


class LoanLossClaim(Stamped):
    """A bank's loss on a 科保贷 loan to a tech SME, claimed for compensation (seed 000 二(二)3:
    “对银行机构承担损失给予最高80%的补偿”); the maximum rate is a policy number."""

    bank = models.CharField(_("银行机构"), max_length=200)
    enterprise = models.CharField(_("借款企业"), max_length=200)
    loan_amount = models.DecimalField(_("贷款金额（元）"), **MONEY)
    loss_amount = models.DecimalField(_("银行承担损失（元）"), **MONEY)
    year = models.PositiveSmallIntegerField(_("补偿年度"))
    requested_rate = models.DecimalField(
        _("申请补偿比例（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("风险分担协议约定的比例；空则按政策最高比例计算。"),
    )

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("“科保贷”损失补偿申请")
        verbose_name_plural = _("“科保贷”损失补偿申请")
        ordering = ["-year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(loss_amount__lte=models.F("loan_amount")),
                name="loan_loss_within_loan",
            ),
            models.CheckConstraint(
                condition=Q(requested_rate__isnull=True)
                | Q(requested_rate__gte=0, requested_rate__lte=100),
                name="loan_loss_rate_is_percent",
            ),
        ]

    def __str__(self):
        return f"{self.bank} / {self.enterprise}"


class ServiceRevenue(Stamped):
    """The year's operating revenue of above-scale S&T service firms (规上科技服务业营业收入),
    entered by staff from the statistics bureau's figure."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    revenue = models.DecimalField(_("营业收入（元）"), **MONEY)
    source = models.CharField(_("数据来源"), max_length=200)

    objects = StaffReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("规上科技服务业营业收入")
        verbose_name_plural = _("规上科技服务业营业收入")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(condition=Q(revenue__gt=0), name="service_revenue_positive"),
        ]

    def __str__(self):
        return f"{self.year}"


class PlanTarget(models.Model):
    """A target of the action plan loaded from plan_targets.csv (each row cites seed 004)."""

    metric = models.CharField(_("指标"), max_length=40, choices=PlanMetric.choices)
    year = models.PositiveSmallIntegerField(_("目标年度"))
    first_year = models.PositiveSmallIntegerField(_("起算年度"))
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2)
    comparison = models.CharField(_("比较方式"), max_length=10, choices=Comparison.choices)
    unit = models.CharField(_("计量单位"), max_length=10)
    source = models.CharField(_("依据"), max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行动计划目标")
        verbose_name_plural = _("行动计划目标")
        ordering = ["metric", "year"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "year"], name="plan_target_unique"),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} {self.year}"

    def is_met(self, actual) -> bool:
        if self.comparison == Comparison.MORE_THAN:
            return actual > self.target
        return actual >= self.target
