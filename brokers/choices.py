"""Choices of the transfer ecosystem. Contract-type labels equal policy.json (tested)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BrokerStatus(models.TextChoices):
    PENDING = "pending", _("待核验")
    IN_LIBRARY = "in_library", _("已入库")
    REJECTED = "rejected", _("未通过")


class ContractType(models.TextChoices):
    """The five kinds of registered technology contract (policy.json tech_contract_types)."""

    DEVELOPMENT = "development", _("技术开发")
    TRANSFER = "transfer", _("技术转让")
    LICENSE = "license", _("技术许可")
    CONSULTING = "consulting", _("技术咨询")
    SERVICE = "service", _("技术服务")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("待确认")
    CONFIRMED = "confirmed", _("已导入")


class InvestmentRound(models.TextChoices):
    SEED = "seed", _("种子轮")
    ANGEL = "angel", _("天使轮")
    PRE_A = "pre_a", _("Pre-A轮")
    A = "a", _("A轮")
    B = "b", _("B轮")
    C_PLUS = "c_plus", _("C轮及以后")
    STRATEGIC = "strategic", _("战略投资")
    OTHER = "other", _("其他")


class FundLevel(models.TextChoices):
    """天使母基金 / 子基金 (seed 000 二(二)3: 健全科技成果转化天使母基金和子基金体系)."""

    PARENT = "parent", _("母基金")
    CHILD = "child", _("子基金")


class Rating(models.TextChoices):
    """Performance rating of a proof-of-concept center or an intermediary."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


# "评估良好以上": the ratings that earn the performance reward.
GOOD_OR_BETTER = frozenset({Rating.EXCELLENT, Rating.GOOD})


class PocKind(models.TextChoices):
    POC_CENTER = "poc_center", _("概念验证中心")
    PILOT_BASE = "pilot_base", _("中试基地")


class PocStatus(models.TextChoices):
    BUILDING = "building", _("创建中")
    RECOGNISED = "recognised", _("已认定")


class EventKind(models.TextChoices):
    COMPETITION = "competition", _("重大赛事")
    FORUM = "forum", _("专业论坛")
    EXHIBITION = "exhibition", _("重要会展")


class RewardListStatus(models.TextChoices):
    DRAFT = "draft", _("待审定")
    APPROVED = "approved", _("已审定")


class RewardRule(models.TextChoices):
    """The incentive rules of the action plan (三.一机制.3 四–五), in the order they are listed."""

    BROKER_COMMISSION = "broker_commission", _("技术经纪人促成交易奖励")
    OUTSTANDING_INDIVIDUAL = "outstanding_individual", _("优秀技术转移转化个人奖励")
    INTERMEDIARY_ABOVE_SCALE = "intermediary_above_scale", _("科技中介首次上规奖励")
    DEMONSTRATION_INTERMEDIARY = "demonstration_intermediary", _("科技中介服务示范机构资助")
    EVENT_SUBSIDY = "event_subsidy", _("成果转化活动资助")
    POC_RECOGNITION = "poc_recognition", _("概念验证中心认定支持")
    POC_PERFORMANCE = "poc_performance", _("概念验证中心绩效奖励")
    # Seed 000 二(一)1 and 二(二)3.
    INDUSTRIALISATION_AWARD = "industrialisation_award", _("重大科技项目产业化绩效奖励")
    LOAN_LOSS_COMPENSATION = "loan_loss_compensation", _("“科保贷”银行损失补偿")


class Programme(models.TextChoices):
    """The town-programme registers of seed 000 (百县千镇万村高质量发展工程)."""

    MAJOR_PROJECTS = "major_projects", _("市重大科技项目库（镇街入库项目）")
    GAZELLES = "gazelles", _("瞪羚企业培育库")
    COOPERATION_PROJECTS = "cooperation_projects", _("产学研合作项目")
    INNOVATION_COMPLEXES = "innovation_complexes", _("创新创业综合体")
    DEMONSTRATION_TOWNS = "demonstration_towns", _("科技创新示范镇")


class Comparison(models.TextChoices):
    AT_LEAST = ">=", _("不少于")
    MORE_THAN = ">", _("超过")
    RANGE = "range", _("区间")


class SelectionStage(models.TextChoices):
    """科技创新示范镇: 在创新强镇中遴选、认定 (seed 000 三(四)2)."""

    NOMINATED = "nominated", _("遴选中")
    RECOGNISED = "recognised", _("已认定")
    NOT_RECOGNISED = "not_recognised", _("未认定")


# The decisions on a selection still 遴选中 (`town_selection_decide`), in the order forms offer
# them: a tuple, so every process offers the same first choice.
SELECTION_DECISIONS = (SelectionStage.RECOGNISED, SelectionStage.NOT_RECOGNISED)


class PlanMetric(models.TextChoices):
    """Targets of the action plan (seed 004 二) that neither city_targets.csv nor the quotas hold;
    loaded from plan_targets.csv."""

    SERVICE_REVENUE_CAGR = "service_revenue_cagr", _("规上科技服务业营业收入年度复合增长率")
    INTERMEDIARIES_NEWLY_ABOVE_SCALE = (
        "intermediaries_newly_above_scale",
        _("市场化机构新增上规"),
    )
