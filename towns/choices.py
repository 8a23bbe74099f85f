from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionKind(models.TextChoices):
    STREET = "street", _("街道")
    TOWN = "town", _("镇")
    PARK = "park", _("园区")


class UnitKind(models.TextChoices):
    BUREAU = "bureau", _("市直部门")
    GROUP = "group", _("市属国企")
    SERVICE_CENTER = "service_center", _("成果转化服务中心")
    UNIVERSITY = "university", _("高校")
    LAB = "lab", _("省实验室")
    FACILITY = "facility", _("大科学装置")
    RND_INSTITUTE = "rnd_institute", _("新型研发机构")
    DIVISION = "division", _("镇街（园区）")


class IndustryCategory(models.TextChoices):
    TRADITIONAL = "traditional", _("传统优势产业")
    STRATEGIC_EMERGING = "strategic_emerging", _("战略性新兴产业")
    FUTURE = "future", _("未来产业")
    OTHER = "other", _("其他")


class Role(models.TextChoices):
    LIAISON = "liaison", _("成果联络员")
    CENTER_STAFF = "center_staff", _("服务中心工作人员")
    EVALUATOR = "evaluator", _("评审专家")
    LEADER = "leader", _("领导")
    ENTERPRISE = "enterprise", _("企业用户")
    BROKER = "broker", _("技术经纪人")
    INVESTOR = "investor", _("创投机构用户")
    ADMIN = "admin", _("系统管理员")


# Roles that work inside the portal's back office and may see personal contact data.
BACK_OFFICE_ROLES = frozenset({Role.CENTER_STAFF, Role.ADMIN})
# Roles that may read every record (read-only for leaders).
READ_ALL_ROLES = frozenset({Role.CENTER_STAFF, Role.LEADER, Role.ADMIN})


class EnterpriseKind(models.TextChoices):
    """Who registered: a company (posts demands) or a venture-capital institution (docks with
    service-library achievements). Both register and are reviewed the same way."""

    COMPANY = "company", _("企业")
    VENTURE_CAPITAL = "venture_capital", _("创投机构")


# The role an account of each kind of registrant gets.
ROLE_OF_KIND = {
    EnterpriseKind.COMPANY: Role.ENTERPRISE,
    EnterpriseKind.VENTURE_CAPITAL: Role.INVESTOR,
}


class EnterpriseStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class CarrierKind(models.TextChoices):
    """The incubation chain of seed 000 (三(三)3): 众创空间 → 孵化器 → 加速器, in that order."""

    MAKER_SPACE = "maker_space", _("众创空间")
    INCUBATOR = "incubator", _("孵化器")
    ACCELERATOR = "accelerator", _("加速器")


class CarrierLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")
