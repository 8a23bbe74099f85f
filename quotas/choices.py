from django.db import models
from django.utils.translation import gettext_lazy as _


class CityMetric(models.TextChoices):
    """The city-wide targets of the action plan (section 二 of seed 004)."""

    ACHIEVEMENTS_DISCOVERED_CUMULATIVE = "achievements_discovered_cumulative", _("累计发现科技成果")
    ACHIEVEMENTS_LANDED = "achievements_landed", _("当年落地科技成果")
    MATCHMAKING_EVENTS = "matchmaking_events", _("成果转化对接活动")
    VENTURE_CAPITAL_RAISED_CUMULATIVE = (
        "venture_capital_raised_cumulative",
        _("落地成果累计获得风险投资"),
    )
    TECH_CONTRACT_AMOUNT = "tech_contract_amount", _("技术合同登记额")
    LANDMARKS_500M_CUMULATIVE = "landmarks_500m_cumulative", _("累计落地5亿元以上标杆性成果")
    LANDMARKS_100M_CUMULATIVE = "landmarks_100m_cumulative", _("累计落地1亿元以上标杆性成果")
    INNOVATION_COMPLEXES_CUMULATIVE = (
        "innovation_complexes_cumulative",
        _("累计建设创新创业综合体"),
    )


class MetricUnit(models.TextChoices):
    COUNT = "count", _("项")
    YUAN = "yuan", _("元")


class Comparison(models.TextChoices):
    AT_LEAST = ">=", _("不少于")
    MORE_THAN = ">", _("超过")


class ReportKind(models.TextChoices):
    BIWEEKLY = "biweekly", _("每两周一报")
    QUARTERLY = "quarterly", _("季度报告")
    CUSTOM = "custom", _("专项报告")
