"""The enterprise demand window (企业产学研诉求窗口): demands, matches, inquiries, the vocabulary
staff curate for matching, and the match index (term postings per achievement)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.parsing import split_list
from kernel.validators import to_halfwidth, validate_phone
from towns.choices import Role
from towns.models import Division, Enterprise, Industry

from ..choices import (
    DEMAND_ACTIVE_STATUSES,
    MATCH_ENTERPRISE_STATUSES,
    DemandKind,
    DemandStatus,
    InquiryStatus,
    MatchStatus,
)
from .achievement import MONEY, Achievement

READ_ALL = (Role.CENTER_STAFF, Role.ADMIN, Role.LEADER)


class SynonymGroup(models.Model):
    """One concept of the matching vocabulary (同义词/概念组), edited by staff.

    Its terms mix the words enterprises use for a problem (缩痕, 电池鼓包) with the words
    achievements use for the technology that solves it (模流分析, 热失控防护): a demand and an
    achievement that share a concept match even when they share no word.
    """

    name = models.CharField(_("概念名称"), max_length=50, unique=True)
    terms = models.TextField(
        _("词条"),
        help_text=_(
            "用顿号、逗号或换行分隔。问题表述与技术表述可放在同一组，如：缩痕、凹陷、模流分析。"
        ),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    # The concept graph: which industry a concept belongs to, and which other concepts it
    # bridges to (a problem ↔ the technologies that solve it). A demand evoking a concept also
    # meets achievements of its related concepts, at a lower weight.
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("所属产业"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    related = models.ManyToManyField(
        "self",
        verbose_name=_("关联概念"),
        blank=True,
        help_text=_("问题与解决它的技术互相关联，如：注塑件缩痕 ↔ 模流分析。"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("匹配词库概念")
        verbose_name_plural = _("匹配词库概念")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def term_list(self) -> list[str]:
        return split_terms(self.terms)

    @property
    def display_terms(self) -> list[str]:
        """The terms as staff wrote them (PCB, not pcb)."""
        return split_list(self.terms)

    def related_names(self) -> list[str]:
        """The names of the linked concepts (read from the list's prefetch)."""
        return [other.name for other in self.related.all()]


def split_terms(text: str) -> list[str]:
    """Terms as staff type them, folded to half-width lower case, without repeats."""
    seen: dict[str, None] = {}
    for term in split_list(text):
        folded = to_halfwidth(term).strip().lower()
        if folded:
            seen.setdefault(folded, None)
    return list(seen)


class DemandQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and leaders see every demand; an enterprise only its own."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.role in READ_ALL:
            return self
        if user.role == Role.ENTERPRISE and user.enterprise_id:
            return self.filter(enterprise_id=user.enterprise_id)
        return self.none()

    def active(self):
        return self.filter(status__in=DEMAND_ACTIVE_STATUSES)


class Demand(models.Model):
    """A need an enterprise posts (企业产学研诉求): technology, achievement or talent."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="demands"
    )
    kind = models.CharField(_("需求类型"), max_length=20, choices=DemandKind.choices)
    title = models.CharField(_("需求标题"), max_length=120)
    description = models.TextField(
        _("需求描述"),
        help_text=_("用自己的话说清现在遇到的问题、想达到的效果和已有的条件。"),
    )
    field = models.ForeignKey(
        Industry, verbose_name=_("所属领域"), on_delete=models.PROTECT, related_name="demands"
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("所在镇街（园区）"),
        on_delete=models.PROTECT,
        related_name="demands",
    )
    budget_min = models.DecimalField(_("预算下限（元）"), null=True, blank=True, **MONEY)
    budget_max = models.DecimalField(_("预算上限（元）"), null=True, blank=True, **MONEY)
    deadline = models.DateField(_("期望解决时间"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30, validators=[validate_phone])
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DemandStatus.choices, default=DemandStatus.OPEN
    )
    # What matching made of the text (features and weights); recomputed on every change.
    match_profile = models.JSONField(_("匹配特征"), default=dict, blank=True, editable=False)
    matched_at = models.DateTimeField(_("匹配计算时间"), null=True, blank=True, editable=False)
    # The staff member who follows the demand: told when new achievements fit it.
    followed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟进人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_demands",
        limit_choices_to={"role": Role.CENTER_STAFF},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # The allowed status steps (target: sources); kernel.transitions.transition enforces them.
    TRANSITIONS = {
        DemandStatus.MATCHED: {DemandStatus.OPEN},
        DemandStatus.CLOSED: {DemandStatus.OPEN, DemandStatus.MATCHED},
    }

    objects = DemandQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["match_profile", "matched_at", "updated_at"])

    class Meta:
        verbose_name = _("企业需求")
        verbose_name_plural = _("企业需求")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-created_at"]),
            models.Index(fields=["status", "field"]),
            models.Index(fields=["status", "division"]),
            models.Index(fields=["kind", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True) | Q(budget_min__gte=0),
                name="demand_budget_min_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_max__gte=models.F("budget_min")),
                name="demand_budget_range_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in DEMAND_ACTIVE_STATUSES

    def log_transition(self, *, from_status: str, to_status: str, actor, reason: str) -> None:
        """The whole reason of a step, for the demand's timeline (called by `transition`)."""
        DemandTransition.objects.create(
            demand=self, from_status=from_status, to_status=to_status, actor=actor, reason=reason
        )


class DemandTransition(models.Model):
    """Who moved a demand from one status to another, when, and why."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("原状态"), max_length=10, choices=DemandStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=10, choices=DemandStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("需求状态变更记录")
        verbose_name_plural = _("需求状态变更记录")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.demand_id}: {self.from_status} → {self.to_status}"


class MatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and leaders see every ranked match; an enterprise only what staff proposed."""
        if user is None or not user.is_authenticated:
            return self.none()
        live = self.filter(achievement__deleted_at__isnull=True)
        if user.role in READ_ALL:
            return live
        if user.role == Role.ENTERPRISE and user.enterprise_id:
            return live.filter(
                demand__enterprise_id=user.enterprise_id,
                status__in=MATCH_ENTERPRISE_STATUSES,
            )
        return self.none()

    def ranked(self):
        return self.order_by("-score", "achievement_id")


class Match(models.Model):
    """One achievement ranked for one demand (精准匹配), and what people decided about it."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="matches")
    achievement = models.ForeignKey(
        Achievement, verbose_name=_("科技成果"), on_delete=models.PROTECT, related_name="matches"
    )
    score = models.FloatField(_("匹配度"))
    explanation = models.JSONField(_("匹配依据"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.SUGGESTED
    )
    note = models.CharField(_("推荐说明"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reject_reason = models.CharField(_("否决原因"), max_length=300, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("企业答复人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("企业答复时间"), null=True, blank=True)
    decline_reason = models.CharField(_("婉拒原因"), max_length=300, blank=True)

    # The allowed status steps (target: sources); kernel.transitions.transition enforces them.
    TRANSITIONS = {
        MatchStatus.PROPOSED: {MatchStatus.SUGGESTED},
        MatchStatus.REJECTED: {MatchStatus.SUGGESTED, MatchStatus.PROPOSED},
        MatchStatus.ACCEPTED: {MatchStatus.PROPOSED},
        MatchStatus.DECLINED: {MatchStatus.PROPOSED},
    }

    objects = MatchQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["score", "explanation", "computed_at"])

    class Meta:
        verbose_name = _("需求匹配")
        verbose_name_plural = _("需求匹配")
        ordering = ["-score", "achievement_id"]
        indexes = [models.Index(fields=["demand", "status", "-score"])]
        constraints = [
            models.UniqueConstraint(fields=["demand", "achievement"], name="match_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="match_score_0_to_1"
            ),
            models.CheckConstraint(
                condition=~Q(status=MatchStatus.REJECTED) | ~Q(reject_reason=""),
                name="match_rejected_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.demand} ↔ {self.achievement}"

    @property
    def score_percent(self) -> int:
        return round(self.score * 100)


class ContactExchange(models.Model):
    """The enterprise accepted a proposed match: both sides' contacts, as they were then."""

    match = models.OneToOneField(Match, on_delete=models.PROTECT, related_name="contact_exchange")
    enterprise_contact_name = models.CharField(_("企业联系人"), max_length=50)
    enterprise_contact_phone = models.CharField(_("企业联系电话"), max_length=30)
    enterprise_contact_email = models.EmailField(_("企业电子邮箱"), blank=True)
    holder = models.CharField(_("成果持有单位"), max_length=200)
    holder_contact_name = models.CharField(_("成果联系人"), max_length=50, blank=True)
    holder_contact_phone = models.CharField(_("成果联系电话"), max_length=30, blank=True)
    holder_contact_email = models.EmailField(_("成果联系邮箱"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("交换时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("联系方式交换记录")
        verbose_name_plural = _("联系方式交换记录")

    def __str__(self):
        return str(self.match)


class InquiryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and leaders see all; an enterprise its own; a liaison those on its unit's records."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.role in READ_ALL:
            return self
        if user.role == Role.ENTERPRISE and user.enterprise_id:
            return self.filter(enterprise_id=user.enterprise_id)
        if user.role == Role.LIAISON and user.unit_id:
            return self.filter(achievement__discovering_unit_id=user.unit_id)
        return self.none()


class Inquiry(models.Model):
    """An enterprise pressed “我有意向” on a showcase item; staff follow it up."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="inquiries"
    )
    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("科技成果"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
    )
    external = models.ForeignKey(
        "achievements.ExternalAchievement",
        verbose_name=_("外地成果"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
    )
    title = models.CharField(_("意向成果"), max_length=200)
    message = models.TextField(_("意向说明"), blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30, validators=[validate_phone])
    status = models.CharField(
        _("状态"), max_length=10, choices=InquiryStatus.choices, default=InquiryStatus.NEW
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟进人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    follow_up_note = models.TextField(_("跟进情况"), blank=True)
    followed_up_at = models.DateTimeField(_("跟进时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    # The allowed status steps (target: sources); kernel.transitions.transition enforces them.
    TRANSITIONS = {
        InquiryStatus.FOLLOWING: {InquiryStatus.NEW, InquiryStatus.FOLLOWING},
        InquiryStatus.CLOSED: {InquiryStatus.NEW, InquiryStatus.FOLLOWING},
    }

    objects = InquiryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("合作意向")
        verbose_name_plural = _("合作意向")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(achievement__isnull=False, external__isnull=True)
                | Q(achievement__isnull=True, external__isnull=False),
                name="inquiry_one_subject",
            ),
            # Pressing the button twice leaves one open inquiry.
            models.UniqueConstraint(
                fields=["enterprise", "achievement"],
                condition=~Q(status=InquiryStatus.CLOSED) & Q(achievement__isnull=False),
                name="inquiry_open_unique_achievement",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "external"],
                condition=~Q(status=InquiryStatus.CLOSED) & Q(external__isnull=False),
                name="inquiry_open_unique_external",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} → {self.title}"


# --- The match index ----------------------------------------------------------------------------
# Rebuilt per achievement whenever it changes (tasks/demands.py), so that ranking one demand reads
# only the postings of its own few terms.


class MatchTerm(models.Model):
    """A word or concept of the index, with the number of achievements that contain it."""

    text = models.CharField(_("词"), max_length=40, unique=True)
    df = models.PositiveIntegerField(_("包含该词的成果数"), default=0)

    class Meta:
        verbose_name = _("匹配索引词")
        verbose_name_plural = _("匹配索引词")

    def __str__(self):
        return self.text


class MatchPosting(models.Model):
    """The weight of one term in one achievement.

    The achievement's field and landing division are copied onto each of its postings, so that
    the candidate search can rank by the full score (text, field, division) from the postings
    alone; `index_achievement` keeps them equal to the achievement's.
    """

    pk = models.CompositePrimaryKey("achievement", "term")
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(MatchTerm, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField()
    # Copies, not relations of their own: the achievement protects its field and division.
    field = models.ForeignKey(
        Industry,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    division = models.ForeignKey(
        Division,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("匹配索引项")
        verbose_name_plural = _("匹配索引项")
        # Ranking reads each term's strongest postings from this index alone.
        indexes = [
            models.Index(
                fields=["term", "-weight", "achievement", "field", "division"],
                name="match_posting_term_place",
            )
        ]

    def __str__(self):
        return f"{self.term_id}@{self.achievement_id}={self.weight:.3f}"


class MatchDocument(models.Model):
    """An indexed achievement: what its text was made of, so a re-index can skip no-ops."""

    achievement = models.OneToOneField(
        Achievement, on_delete=models.CASCADE, primary_key=True, related_name="match_document"
    )
    fingerprint = models.CharField(max_length=40)
    # concept id → the words of the achievement that evoked it (for explanations)
    concepts = models.JSONField(default=dict)
    indexed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("匹配索引文档")
        verbose_name_plural = _("匹配索引文档")

    def __str__(self):
        return f"{self.achievement_id} @ {self.indexed_at:%Y-%m-%d %H:%M}"


class MatchLearning(models.Model):
    """What matching learned from the center's judgments (achievements/matching/learning.py):
    one row, rewritten whole by `match_learning_recompute`. Empty weights: ranking as before."""

    key = models.CharField(max_length=20, unique=True, default="matching")
    weights = models.JSONField(default=dict)
    judgments = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("匹配学习权重")
        verbose_name_plural = _("匹配学习权重")

    def __str__(self):
        return f"{self.key}: {self.judgments} @ {self.computed_at:%Y-%m-%d %H:%M}"
