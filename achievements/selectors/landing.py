"""Reads of landing: what evidence each landing standard needs, the check of an achievement's
evidence against the standards (三.一机制.3 二), the rule that decides which unit a landing is
credited to, and the landmark level of an economic contribution.

Thresholds are policy numbers read with `policy_value` for the year of the evidence (service
revenue, local revenue) or of the landing (landmarks); nothing here types a number of the plan.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.money import format_yuan
from kernel.validators import is_valid_uscc
from towns.choices import UnitKind
from towns.models import Division, Unit
from towns.policy import policy_value

from ..choices import (
    AchievementKind,
    AchievementStatus,
    CreditBasis,
    EvidenceKind,
    EvidenceSource,
    LandingRule,
    LandingState,
    Landmark,
)
from ..models import Achievement, Landing, LandingEvidence

# --- What each kind of evidence records ---------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Promise | str
    help: Promise | str = ""


@dataclass(frozen=True)
class EvidenceSpec:
    """The fields that prove one kind of evidence (all required), how they are labelled, the
    document that shows them, and the amount rule: a policy key for a minimum, else > 0."""

    kind: str
    fields: tuple[FieldSpec, ...]
    document: Promise | str
    optional: tuple[FieldSpec, ...] = ()
    amount_min_key: str = ""
    # A registered technology contract is its own record: no scan is needed beside it.
    document_optional_for_sources: tuple[str, ...] = ()

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in (*self.fields, *self.optional)]

    def label(self, name: str) -> str:
        for spec in (*self.fields, *self.optional):
            if spec.name == name:
                return str(spec.label)
        return name

    @property
    def has_amount(self) -> bool:
        return "amount" in self.field_names


_L = gettext_lazy
_DIVISION_HELP = _L("东莞市内的镇街或园区。")

EVIDENCE_SPECS: dict[str, EvidenceSpec] = {
    spec.kind: spec
    for spec in (
        EvidenceSpec(
            EvidenceKind.ENTERPRISE_REGISTRATION,
            (
                FieldSpec("registration_mode", _L("注册方式")),
                FieldSpec("entity_name", _L("企业名称")),
                FieldSpec("credit_code", _L("统一社会信用代码"), _L("18位，系统按校验位核对。")),
                FieldSpec("division", _L("注册地镇街（园区）"), _DIVISION_HELP),
                FieldSpec("occurred_on", _L("注册（迁入）日期")),
            ),
            _L("营业执照或迁入变更登记材料"),
        ),
        EvidenceSpec(
            EvidenceKind.TAX_PAID,
            (
                FieldSpec("entity_name", _L("纳税企业")),
                FieldSpec("amount", _L("实缴税额"), _L("单位：万元，应大于零。")),
                FieldSpec("occurred_on", _L("缴纳日期")),
            ),
            _L("完税证明"),
            optional=(FieldSpec("reference_number", _L("完税证明编号")),),
        ),
        EvidenceSpec(
            EvidenceKind.OPERATING_ENTITY,
            (
                FieldSpec("entity_name", _L("运营主体名称")),
                FieldSpec("credit_code", _L("统一社会信用代码"), _L("18位，系统按校验位核对。")),
                FieldSpec("division", _L("所在镇街（园区）"), _DIVISION_HELP),
                FieldSpec("occurred_on", _L("登记成立日期")),
            ),
            _L("营业执照或事业单位法人证书"),
        ),
        EvidenceSpec(
            EvidenceKind.SERVICE_REVENUE,
            (
                FieldSpec("entity_name", _L("运营主体")),
                FieldSpec("amount", _L("服务收入"), _L("单位：万元。")),
                FieldSpec("occurred_on", _L("统计截止日期")),
            ),
            _L("财务报表、审计报告或服务合同及发票"),
            optional=(FieldSpec("subject", _L("统计期间及说明")),),
            amount_min_key="landing.platform.service_revenue_min",
        ),
        EvidenceSpec(
            EvidenceKind.AUTHORITY_APPROVAL,
            (
                FieldSpec("authority", _L("主管部门")),
                FieldSpec("subject", _L("立项或资质名称")),
                FieldSpec("reference_number", _L("批准文号或证书编号")),
                FieldSpec("occurred_on", _L("批准日期")),
            ),
            _L("立项批复或资质证书"),
        ),
        EvidenceSpec(
            EvidenceKind.LICENSE,
            (
                FieldSpec("license_direction", _L("许可情形")),
                FieldSpec("subject", _L("许可名称")),
                FieldSpec("counterparty", _L("许可方或发证机关")),
                FieldSpec("entity_name", _L("东莞主体")),
                FieldSpec("division", _L("东莞主体所在镇街（园区）"), _DIVISION_HELP),
                FieldSpec("reference_number", _L("许可证号或许可合同编号")),
                FieldSpec("occurred_on", _L("许可日期")),
            ),
            _L("许可证或许可合同"),
        ),
        EvidenceSpec(
            EvidenceKind.TRANSACTION,
            (
                FieldSpec("entity_name", _L("东莞交易方")),
                FieldSpec("division", _L("交易方所在镇街（园区）"), _DIVISION_HELP),
                FieldSpec("amount", _L("交易金额"), _L("单位：万元，应大于零。")),
                FieldSpec("reference_number", _L("合同编号或技术合同登记号")),
                FieldSpec("occurred_on", _L("交易日期")),
            ),
            _L("交易合同"),
            optional=(FieldSpec("subject", _L("合同名称")),),
            document_optional_for_sources=(EvidenceSource.TECH_CONTRACT,),
        ),
        EvidenceSpec(
            EvidenceKind.EQUITY,
            (
                FieldSpec("entity_name", _L("被投资的东莞企业")),
                FieldSpec("credit_code", _L("统一社会信用代码"), _L("18位，系统按校验位核对。")),
                FieldSpec("division", _L("企业所在镇街（园区）"), _DIVISION_HELP),
                FieldSpec("amount", _L("作价出资额"), _L("单位：万元，应大于零。")),
                FieldSpec("occurred_on", _L("工商变更日期")),
            ),
            _L("出资协议及工商变更登记材料"),
        ),
        EvidenceSpec(
            EvidenceKind.LOCAL_REVENUE,
            (
                FieldSpec("entity_name", _L("在莞实施主体")),
                FieldSpec("division", _L("实施主体所在镇街（园区）"), _DIVISION_HELP),
                FieldSpec("subject", _L("在莞实现的部分（产品、工艺或服务）")),
                FieldSpec("amount", _L("营业收入"), _L("单位：万元。")),
                FieldSpec("occurred_on", _L("统计截止日期")),
            ),
            _L("财务报表或销售发票"),
            amount_min_key="landing.project.local_revenue_min",
        ),
        EvidenceSpec(
            EvidenceKind.TEAM_SETTLED,
            (
                FieldSpec("counterparty", _L("团队负责人")),
                FieldSpec("team_size", _L("落户人数")),
                FieldSpec("entity_name", _L("落户单位")),
                FieldSpec("division", _L("落户镇街（园区）"), _DIVISION_HELP),
                FieldSpec("occurred_on", _L("落户日期")),
            ),
            _L("劳动合同、社保缴纳或人才落户证明"),
        ),
    )
}


@dataclass(frozen=True)
class RuleSpec:
    rule: str
    requires: tuple[str, ...]


# The landing standards of 三.一机制.3 二, as policy.json's `landing_standards` lists them:
# enterprise: all of; platform: the entity and one of two; project: any one of five.
RULES: dict[str, tuple[RuleSpec, ...]] = {
    AchievementKind.ENTERPRISE: (
        RuleSpec(
            LandingRule.ENTERPRISE,
            (EvidenceKind.ENTERPRISE_REGISTRATION, EvidenceKind.TAX_PAID),
        ),
    ),
    AchievementKind.PLATFORM: (
        RuleSpec(
            LandingRule.PLATFORM_REVENUE,
            (EvidenceKind.OPERATING_ENTITY, EvidenceKind.SERVICE_REVENUE),
        ),
        RuleSpec(
            LandingRule.PLATFORM_APPROVAL,
            (EvidenceKind.OPERATING_ENTITY, EvidenceKind.AUTHORITY_APPROVAL),
        ),
    ),
    AchievementKind.PROJECT: (
        RuleSpec(LandingRule.PROJECT_LICENSE, (EvidenceKind.LICENSE,)),
        RuleSpec(LandingRule.PROJECT_TRANSACTION, (EvidenceKind.TRANSACTION,)),
        RuleSpec(LandingRule.PROJECT_EQUITY, (EvidenceKind.EQUITY,)),
        RuleSpec(LandingRule.PROJECT_LOCAL_REVENUE, (EvidenceKind.LOCAL_REVENUE,)),
        RuleSpec(LandingRule.PROJECT_TEAM, (EvidenceKind.TEAM_SETTLED,)),
    ),
}


def evidence_kinds_for(kind: str) -> list[str]:
    """The kinds of evidence that count for an achievement of this kind, in the rules' order."""
    kinds: list[str] = []
    for spec in RULES.get(kind, ()):
        for evidence_kind in spec.requires:
            if evidence_kind not in kinds:
                kinds.append(evidence_kind)
    return kinds


def rules_for(kind: str) -> list[str]:
    return [spec.rule for spec in RULES.get(kind, ())]


# --- The check ----------------------------------------------------------------------------------


def amount_minimum(spec: EvidenceSpec, evidence: LandingEvidence, *, today: date) -> Decimal | None:
    """The policy minimum in force for the year of the evidence's date (None: only > 0)."""
    if not spec.amount_min_key:
        return None
    year = evidence.occurred_on.year if evidence.occurred_on else today.year
    return policy_value(spec.amount_min_key, year=year)


def exact_yuan(amount: Decimal) -> str:
    """99,999元 — not rounded to 万元, so a shortfall near a threshold stays visible."""
    text = f"{amount:,.2f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "元"


def evidence_problems(evidence: LandingEvidence, *, today: date | None = None) -> list[str]:
    """Why this piece of evidence does not (yet) prove its part; empty when it does."""
    today = today or timezone.localdate()
    spec = EVIDENCE_SPECS[evidence.kind]
    problems = []
    for field_spec in spec.fields:
        name = "division_id" if field_spec.name == "division" else field_spec.name
        if getattr(evidence, name) in (None, ""):
            problems.append(_("未填写%(label)s") % {"label": field_spec.label})
    if not evidence.document and evidence.source not in spec.document_optional_for_sources:
        problems.append(_("未上传%(document)s") % {"document": spec.document})
    if evidence.credit_code and not is_valid_uscc(evidence.credit_code):
        problems.append(_("统一社会信用代码校验位不正确"))
    if evidence.occurred_on and evidence.occurred_on > today:
        problems.append(
            _("%(label)s晚于今天") % {"label": spec.label("occurred_on")},
        )
    if evidence.amount is not None and spec.has_amount:
        minimum = amount_minimum(spec, evidence, today=today)
        label = spec.label("amount")
        if minimum is not None and evidence.amount < minimum:
            problems.append(
                _("%(label)s%(amount)s，未达到%(minimum)s")
                % {
                    "label": label,
                    "amount": exact_yuan(evidence.amount),
                    "minimum": format_yuan(minimum),
                }
            )
        elif minimum is None and evidence.amount <= 0:
            problems.append(_("%(label)s应大于零") % {"label": label})
    if evidence.team_size is not None and evidence.team_size < 1:
        problems.append(_("落户人数应至少为1人"))
    return problems


@dataclass(frozen=True)
class RuleResult:
    rule: str
    met: bool
    missing: tuple[str, ...] = ()
    # For a met rule: the earliest sufficient evidence of each kind it needs, in its order.
    evidence: tuple[LandingEvidence, ...] = ()

    @property
    def label(self) -> str:
        return str(LandingRule(self.rule).label)

    @property
    def met_on(self) -> date | None:
        """The day the evidence shows the standard met: the latest of the facts it needs."""
        dates = [e.occurred_on for e in self.evidence if e.occurred_on]
        return max(dates) if dates else None

    @property
    def division(self) -> Division | None:
        for evidence in self.evidence:
            if evidence.division_id:
                return evidence.division
        return None


@dataclass(frozen=True)
class LandingCheck:
    kind: str
    results: tuple[RuleResult, ...]
    problems: dict[int, list[str]] = field(default_factory=dict)

    @property
    def met_rules(self) -> list[str]:
        return [r.rule for r in self.results if r.met]

    @property
    def is_met(self) -> bool:
        return bool(self.met_rules)

    @property
    def missing(self) -> list[dict]:
        return [{"rule": r.rule, "items": list(r.missing)} for r in self.results if not r.met]

    def result(self, rule: str) -> RuleResult | None:
        return next((r for r in self.results if r.rule == rule), None)


def landing_check_of(
    kind: str, evidence: list[LandingEvidence], *, today: date | None = None
) -> LandingCheck:
    """Evaluate the evidence against the landing standards of an achievement's kind."""
    today = today or timezone.localdate()
    problems = {e.pk: evidence_problems(e, today=today) for e in evidence}
    sufficient: dict[str, list[LandingEvidence]] = {}
    for item in sorted(evidence, key=lambda e: (e.occurred_on or date.max, e.pk or 0)):
        if not problems[item.pk]:
            sufficient.setdefault(item.kind, []).append(item)
    results = []
    for spec in RULES.get(kind, ()):
        missing: list[str] = []
        used: list[LandingEvidence] = []
        for evidence_kind in spec.requires:
            label = EvidenceKind(evidence_kind).label
            if sufficient.get(evidence_kind):
                used.append(sufficient[evidence_kind][0])
                continue
            candidates = [e for e in evidence if e.kind == evidence_kind]
            if not candidates:
                missing.append(_("缺少“%(kind)s”证据") % {"kind": label})
            for candidate in candidates:
                for problem in problems[candidate.pk]:
                    text = f"{label}：{problem}"
                    if text not in missing:
                        missing.append(text)
        results.append(
            RuleResult(
                rule=str(spec.rule),
                met=not missing,
                missing=tuple(missing),
                evidence=tuple(used) if not missing else (),
            )
        )
    return LandingCheck(kind=kind, results=tuple(results), problems=problems)


def evidence_of(achievement: Achievement) -> list[LandingEvidence]:
    return list(
        achievement.landing_evidence.select_related("division", "recorded_by").order_by(
            "kind", "occurred_on", "pk"
        )
    )


def check_achievement(achievement: Achievement, *, today: date | None = None) -> LandingCheck:
    return landing_check_of(achievement.kind, evidence_of(achievement), today=today)


# --- Which unit a landing is credited to --------------------------------------------------------


def landing_credit(achievement: Achievement, *, division: Division, year: int) -> tuple[Unit, str]:
    """The ONE rule that decides the unit a landing counts for (shown on each landing).

    1. An achievement discovered by a unit that is not a division but holds a landing quota in
       the landing year (in 2024: 市科技局, whose 60 are "围绕入库的重大科技项目和科技项目、
       科研平台进行落地服务") counts for that unit: it brought the achievement in and serves it.
    2. Every other landing counts for the division (镇街/园区) where it landed: division quotas
       are landings in their territory (属地), assessed in each division's yearly S&T review —
       whether or not the division has a quota that year (without one, it offsets next year's).
    """
    discovering = achievement.discovering_unit
    # `landing_quotas` is the reverse relation of quotas.LandingQuota, looked up by name:
    # achievements never imports quotas.
    if (
        discovering.kind != UnitKind.DIVISION
        and discovering.landing_quotas.filter(year=year).exists()
    ):
        return discovering, CreditBasis.DISCOVERING_UNIT_QUOTA
    unit = (
        Unit.objects.filter(kind=UnitKind.DIVISION, division=division, is_active=True)
        .order_by("pk")
        .first()
    )
    if unit is None:
        raise ValidationError(
            {
                "division": _("%(division)s 没有对应的单位，无法计入落地任务。")
                % {"division": division}
            }
        )
    return unit, CreditBasis.LANDING_DIVISION


def credit_explanation(landing: Landing) -> str:
    """One line saying why the landing counts where it counts."""
    if not landing.credited_unit_id:
        return ""
    if landing.credit_basis == CreditBasis.DISCOVERING_UNIT_QUOTA:
        return _("发现单位%(unit)s承担%(year)d年落地任务，计入该单位。") % {
            "unit": landing.credited_unit,
            "year": landing.landed_on.year,
        }
    return _("落地在%(division)s，计入属地镇街（园区）。") % {"division": landing.division}


# --- Landmarks ----------------------------------------------------------------------------------


def landmark_thresholds(year: int) -> tuple[Decimal, Decimal]:
    """(significant, major): ≥ 1亿元 and ≥ 5亿元 in the plan, policy numbers per year."""
    return (
        policy_value("landmarks.significant", year=year),
        policy_value("landmarks.major", year=year),
    )


def landmark_for(contribution: Decimal | None, *, year: int) -> str:
    if contribution is None:
        return Landmark.NONE
    significant, major = landmark_thresholds(year)
    if contribution >= major:
        return Landmark.MAJOR
    if contribution >= significant:
        return Landmark.SIGNIFICANT
    return Landmark.NONE


def landmark_label(landing: Landing) -> str:
    """“1亿元以上标杆性成果”, with the threshold in force in the landing year."""
    if not landing.landmark or not landing.landed_on:
        return ""
    significant, major = landmark_thresholds(landing.landed_on.year)
    threshold = major if landing.landmark == Landmark.MAJOR else significant
    return _("%(amount)s以上标杆性成果") % {"amount": format_yuan(threshold)}


# --- Reads for pages ----------------------------------------------------------------------------


def landing_of(achievement: Achievement) -> Landing | None:
    return (
        Landing.objects.filter(achievement=achievement)
        .select_related("division", "credited_unit", "verified_by", "contribution_recorded_by")
        .first()
    )


def landing_list(user) -> QuerySet[Landing]:
    return Landing.objects.visible_to(user).select_related(
        "achievement__field",
        "achievement__discovering_unit",
        "division",
        "credited_unit",
        "verified_by",
    )


def landings_with_evidence(queryset: QuerySet[Landing]) -> QuerySet[Landing]:
    return queryset.prefetch_related(
        Prefetch(
            "achievement__landing_evidence",
            queryset=LandingEvidence.objects.select_related("division").order_by("kind", "pk"),
        )
    )


def achievements_to_check() -> QuerySet[Achievement]:
    """What the nightly check looks at: service-library achievements with evidence, and landed
    ones whose landing was never verified (landed before the portal recorded landings)."""
    has_evidence = Exists(LandingEvidence.objects.filter(achievement=OuterRef("pk")))
    verified = Exists(Landing.objects.filter(achievement=OuterRef("pk"), state=LandingState.LANDED))
    return (
        Achievement.objects.filter(
            Q(status=AchievementStatus.SERVICE) | (Q(status=AchievementStatus.LANDED) & ~verified)
        )
        .filter(has_evidence)
        .order_by("pk")
    )


def awaiting_verification_count() -> int:
    return Landing.objects.filter(state=LandingState.PROPOSED).count()


def evidence_facts(evidence: LandingEvidence) -> list[tuple[str, str]]:
    """The recorded facts of one piece of evidence as (label, text), in its kind's order."""
    spec = EVIDENCE_SPECS[evidence.kind]
    facts = []
    for field_spec in (*spec.fields, *spec.optional):
        name = field_spec.name
        value = getattr(evidence, name)
        if value in (None, ""):
            continue
        if name == "amount":
            text = format_yuan(value)
        elif name in ("registration_mode", "license_direction"):
            text = getattr(evidence, f"get_{name}_display")()
        elif name == "occurred_on":
            text = value.isoformat()
        elif name == "team_size":
            text = _("%(n)d人") % {"n": value}
        else:
            text = str(value)
        facts.append((str(field_spec.label), text))
    return facts
