"""Choices of the achievement record. Labels equal the lists of policy.json (tested)."""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class AchievementKind(models.TextChoices):
    """Decides which landing standard applies."""

    ENTERPRISE = "enterprise", _("企业类")
    PLATFORM = "platform", _("平台类")
    PROJECT = "project", _("项目类")


class AchievementStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("发现库")
    RETURNED = "returned", _("已退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")
    SERVICE = "service", _("服务库")
    LANDED = "landed", _("已落地")
    MERGED = "merged", _("已合并")


# Statuses of records that count as discovered (in the discovery library or beyond).
DISCOVERED_STATUSES = frozenset(
    {AchievementStatus.SUBMITTED, AchievementStatus.SERVICE, AchievementStatus.LANDED}
)
# The service library: selected for the free end-to-end landing service.
SERVICE_LIBRARY_STATUSES = frozenset({AchievementStatus.SERVICE, AchievementStatus.LANDED})
# A liaison may edit their unit's record only in these statuses; afterwards only staff.
LIAISON_EDITABLE_STATUSES = frozenset({AchievementStatus.DRAFT, AchievementStatus.RETURNED})


class ServiceRoute(models.TextChoices):
    """How an achievement entered the service library."""

    EVALUATION = "evaluation", _("常规入库评价")
    RECOMMENDATION = "recommendation", _("重点入库推荐")


class CooperationMode(models.TextChoices):
    TRANSFER = "transfer", _("转让")
    LICENSE = "license", _("许可")
    EQUITY = "equity", _("作价入股")
    JOINT_DEVELOPMENT = "joint_development", _("合作开发")
    OTHER = "other", _("其他")


class SourceChannel(models.TextChoices):
    MAJOR_PROJECT = "major_project", _("重大科技项目")
    RESEARCH_CENTER = "research_center", _("工程技术研究中心")
    KEY_LAB = "key_lab", _("重点实验室")
    TALENT_TEAM = "talent_team", _("人才团队")
    BROKER = "broker", _("技术经纪人")
    INVESTMENT_PROMOTION = "investment_promotion", _("招商引资")
    INNOVATION_EVENT = "innovation_event", _("创新创业活动")
    OTHER = "other", _("其他")


class IpType(models.TextChoices):
    INVENTION_PATENT = "invention_patent", _("发明专利")
    UTILITY_MODEL = "utility_model", _("实用新型专利")
    DESIGN_PATENT = "design_patent", _("外观设计专利")
    SOFTWARE_COPYRIGHT = "software_copyright", _("软件著作权")
    IC_LAYOUT = "ic_layout", _("集成电路布图设计")
    PLANT_VARIETY = "plant_variety", _("植物新品种")
    TRADE_SECRET = "trade_secret", _("技术秘密")
    OTHER = "other", _("其他")


# Technology readiness levels and the Chinese stage names of policy.json (trl_stages).
TRL_STAGES = (
    (range(1, 4), _("实验室")),
    (range(4, 6), _("小试")),
    (range(6, 8), _("中试")),
    (range(8, 10), _("量产")),
)


def trl_stage(trl: int | None) -> str:
    for levels, name in TRL_STAGES:
        if trl in levels:
            return str(name)
    return ""


TRL_CHOICES = [
    (level, format_lazy("TRL {} · {}", level, name))
    for levels, name in TRL_STAGES
    for level in levels
]


# --- Discovery library ----------------------------------------------------------------------------


class FeedbackKind(models.TextChoices):
    """Two ways a submitted record comes back for changes."""

    SEND_BACK = "send_back", _("退回修改")
    CORRECTION_REQUEST = "correction_request", _("更正申请")


class FeedbackReason(models.TextChoices):
    """Why staff sent a record back, so the liaison knows what to fix."""

    INCOMPLETE = "incomplete", _("信息不完整")
    INCORRECT = "incorrect", _("数据有误或前后矛盾")
    DUPLICATE = "duplicate", _("疑似重复登记")
    OUT_OF_SCOPE = "out_of_scope", _("不属于科技成果范畴")
    ATTACHMENT = "attachment", _("附件缺失或不清晰")
    CONTACT = "contact", _("联系方式有误")
    OTHER = "other", _("其他")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ADDRESSED = "addressed", _("已修改")
    RESOLVED = "resolved", _("已处理")


class CorrectionOutcome(models.TextChoices):
    """How staff answered a liaison's correction request."""

    CORRECTED = "corrected", _("已由服务中心更正")
    RETURNED = "returned", _("已退回联络员修改")
    DECLINED = "declined", _("不予更正")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("待确认")
    IMPORTED = "imported", _("已导入")
    CANCELLED = "cancelled", _("已取消")


# A liaison may ask for a correction once the record has left their hands.
CORRECTABLE_STATUSES = frozenset(
    {AchievementStatus.SUBMITTED, AchievementStatus.SERVICE, AchievementStatus.LANDED}
)
# --- Service library (assignment, follow-up, escalation) ------------------------------------------


class RouteStatus(models.TextChoices):
    """Where the landing route of a service-library case stands (recorded with each follow-up)."""

    MATCHING = "matching", _("对接洽谈中")
    PLANNING = "planning", _("方案论证中")
    CONTRACTING = "contracting", _("签约推进中")
    IMPLEMENTING = "implementing", _("落地实施中")
    LANDED = "landed", _("已落地")
    PAUSED = "paused", _("暂缓推进")


class EscalationTier(models.TextChoices):
    """Who a stalled case is reported to, by its expected economic contribution (四.三)."""

    CITY_LEADER = "city_leader", _("分管市领导")
    BUREAU_LEADERS = "bureau_leaders", _("市科技局及发现单位领导")
    RESPONSIBLE = "responsible", _("责任人")


class EscalationOutcome(models.TextChoices):
    """How an escalation ended: progress (or landing) cleared it, or a leader closed it."""

    CLEARED = "cleared", _("已解除")
    HANDLED = "handled", _("已办结")


# --- Demand window, showcase and matchmaking events ----------------------------------------------


class DemandKind(models.TextChoices):
    TECHNOLOGY = "technology", _("技术需求")
    ACHIEVEMENT = "achievement", _("成果需求")
    TALENT = "talent", _("人才需求")


class DemandStatus(models.TextChoices):
    OPEN = "open", _("征集中")
    MATCHED = "matched", _("已对接")
    CLOSED = "closed", _("已关闭")


# An enterprise may still change these demands; matching runs for them.
DEMAND_ACTIVE_STATUSES = frozenset({DemandStatus.OPEN, DemandStatus.MATCHED})


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", _("系统推荐")
    PROPOSED = "proposed", _("已推荐给企业")
    REJECTED = "rejected", _("已否决")
    ACCEPTED = "accepted", _("企业已接受")
    DECLINED = "declined", _("企业已婉拒")


# Matches an enterprise sees: those staff proposed, and its answers to them.
MATCH_ENTERPRISE_STATUSES = frozenset(
    {MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.DECLINED}
)
# A person decided about these; recomputing the ranking keeps them.
MATCH_REVIEWED_STATUSES = frozenset(set(MatchStatus) - {MatchStatus.SUGGESTED})


class InquiryStatus(models.TextChoices):
    NEW = "new", _("待跟进")
    FOLLOWING = "following", _("跟进中")
    CLOSED = "closed", _("已办结")


class ShowcaseOrigin(models.TextChoices):
    LOCAL = "local", _("东莞成果库")
    EXTERNAL = "external", _("外地高校院所")


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("报名中")
    HELD = "held", _("已举办")
    CANCELLED = "cancelled", _("已取消")


class EventOutcomeKind(models.TextChoices):
    INTENTION = "intention", _("合作意向")
    CONTRACT = "contract", _("签约")


# --- Landing (落地: evidence, the landing-standard check, verification) ----------------------------


class EvidenceKind(models.TextChoices):
    """One fact that proves part of a landing standard (三.一机制.3 二), with its documents."""

    ENTERPRISE_REGISTRATION = "enterprise_registration", _("在莞新注册或迁入")
    TAX_PAID = "tax_paid", _("实缴税收")
    OPERATING_ENTITY = "operating_entity", _("在莞运营主体")
    SERVICE_REVENUE = "service_revenue", _("平台服务收入")
    AUTHORITY_APPROVAL = "authority_approval", _("主管部门立项或资质认定")
    LICENSE = "license", _("特定许可")
    TRANSACTION = "transaction", _("与东莞主体交易")
    EQUITY = "equity", _("作价入股东莞企业")
    LOCAL_REVENUE = "local_revenue", _("在莞实现部分营收")
    TEAM_SETTLED = "team_settled", _("团队落户东莞")


class LandingRule(models.TextChoices):
    """The clause of the landing standards an achievement meets (recorded on verification)."""

    ENTERPRISE = "enterprise", _("企业类：在莞新注册或迁入东莞，并有实缴税收")
    PLATFORM_REVENUE = "platform_revenue", _("平台类：在莞有运营主体，服务收入达标")
    PLATFORM_APPROVAL = "platform_approval", _("平台类：在莞有运营主体，取得主管部门立项或特定资质")
    PROJECT_LICENSE = "project_license", _("项目类（一）：取得特定许可，或许可东莞主体实施")
    PROJECT_TRANSACTION = "project_transaction", _("项目类（二）：与东莞主体完成交易")
    PROJECT_EQUITY = "project_equity", _("项目类（三）：作价入股东莞企业")
    PROJECT_LOCAL_REVENUE = "project_local_revenue", _("项目类（四）：部分在莞实现，营收达标")
    PROJECT_TEAM = "project_team", _("项目类（五）：团队落户东莞")


class RegistrationMode(models.TextChoices):
    NEW = "new", _("在莞新注册")
    MOVED = "moved", _("迁入东莞")


class LicenseDirection(models.TextChoices):
    OBTAINED = "obtained", _("东莞项目取得特定许可")
    GRANTED = "granted", _("市外项目许可东莞主体实施")


class EvidenceSource(models.TextChoices):
    MANUAL = "manual", _("人工录入")
    TECH_CONTRACT = "tech_contract", _("已登记技术合同")


class LandingState(models.TextChoices):
    """Where the landing of a service-library achievement stands."""

    COLLECTING = "collecting", _("收集证据中")
    PROPOSED = "proposed", _("符合标准，待核验")
    LANDED = "landed", _("已认定落地")


class CreditBasis(models.TextChoices):
    """Why a landing counts toward the unit it is credited to (see selectors.landing)."""

    DISCOVERING_UNIT_QUOTA = "discovering_unit_quota", _("发现单位承担当年落地任务")
    LANDING_DIVISION = "landing_division", _("落地所在镇街（园区）")


class Landmark(models.TextChoices):
    """标杆性成果 by economic contribution (policy: landmarks.significant / landmarks.major)."""

    NONE = "", _("未达标杆")
    SIGNIFICANT = "significant", _("标杆性成果")
    MAJOR = "major", _("重大标杆性成果")
