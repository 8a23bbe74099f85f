"""Choices of the evaluation app. Criteria and the “3有” equal the lists of policy.json (tested)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    SCORING = "scoring", _("评分中")
    SELECTING = "selecting", _("遴选计算中")
    PROPOSED = "proposed", _("待确认入选")
    CONFIRMED = "confirmed", _("已确认")


# While scoring, evaluators may score and staff may change the batch's achievements.
BATCH_SELECTABLE_STATUSES = frozenset({BatchStatus.SCORING, BatchStatus.PROPOSED})


class Criterion(models.TextChoices):
    """The three scoring criteria of 常规入库评价."""

    TECH_CONTENT = "tech_content", _("科技含量")
    ECONOMIC_BENEFIT = "economic_benefit", _("经济效益")
    CONVERSION_EFFICIENCY = "conversion_efficiency", _("转化效率")


class ThreeHave(models.TextChoices):
    """“3有”: all three are required for selection into the service library."""

    MARKET_DEMAND = "market_demand", _("有市场需求")
    INNOVATION_VALUE = "innovation_value", _("有创新价值")
    ECONOMIC_CONTRIBUTION = "economic_contribution", _("有经济贡献")


class Decision(models.TextChoices):
    PENDING = "pending", _("待确认")
    SELECTED = "selected", _("入选服务库")
    NOT_SELECTED = "not_selected", _("未入选")


class RecommenderKind(models.TextChoices):
    RESEARCH_INSTITUTE = "research_institute", _("科研院所")
    CHAIN_LEADER = "chain_leader", _("龙头链主企业")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("评价中")
    COMPLETED = "completed", _("已出具意见")


class LandingForm(models.TextChoices):
    """The landing form a fast-track review recommends."""

    NEW_COMPANY = "new_company", _("新设企业")
    RELOCATION = "relocation", _("整体迁入")
    LICENSE = "license", _("技术许可")
    TRANSFER = "transfer", _("技术转让")
    EQUITY = "equity", _("作价入股")
    JOINT_DEVELOPMENT = "joint_development", _("合作开发")
    PILOT = "pilot", _("中试熟化")


class ValuationStatus(models.TextChoices):
    REQUESTED = "requested", _("已委托")
    IN_PROGRESS = "in_progress", _("评估中")
    COMPLETED = "completed", _("已出具报告")
    CANCELLED = "cancelled", _("已撤销")


VALUATION_OPEN_STATUSES = frozenset({ValuationStatus.REQUESTED, ValuationStatus.IN_PROGRESS})
