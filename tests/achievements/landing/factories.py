"""Landing test data: valid evidence of each kind (recorded through the service) and a helper
that lands an achievement the way staff do — evidence, then verification."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from achievements.choices import AchievementKind, EvidenceKind, LandingRule
from achievements.services.landing import landing_evidence_record, landing_verify
from kernel.money import WAN, YI  # noqa: F401  (tests import YI from here)

from ...factories import credit_code, division
from ..service.factories import service_case

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def evidence_data(kind: str, *, on: date | None = None, where: str = "441900119", **overrides):
    """Complete, sufficient facts of one kind of evidence, dated `on` (today)."""
    on = on or timezone.localdate()
    base = {"occurred_on": on, "document": pdf()}
    facts = {
        EvidenceKind.ENTERPRISE_REGISTRATION: {
            "registration_mode": "new",
            "entity_name": "东莞固态电池科技有限公司",
            "credit_code": credit_code(101),
            "division": division(where),
        },
        EvidenceKind.TAX_PAID: {"entity_name": "东莞固态电池科技有限公司", "amount": 36 * WAN},
        EvidenceKind.OPERATING_ENTITY: {
            "entity_name": "东莞先进材料研究院有限公司",
            "credit_code": credit_code(102),
            "division": division(where),
        },
        EvidenceKind.SERVICE_REVENUE: {
            "entity_name": "东莞先进材料研究院有限公司",
            "amount": 10 * WAN,
        },
        EvidenceKind.AUTHORITY_APPROVAL: {
            "authority": "东莞市科学技术局",
            "subject": "东莞市新型研发机构认定",
            "reference_number": "东科〔2026〕18号",
        },
        EvidenceKind.LICENSE: {
            "license_direction": "granted",
            "subject": "专利实施许可",
            "counterparty": "东莞理工学院",
            "entity_name": "东莞精密装备有限公司",
            "division": division(where),
            "reference_number": "许可2026-018",
        },
        EvidenceKind.TRANSACTION: {
            "entity_name": "东莞精密装备有限公司",
            "division": division(where),
            "amount": 300 * WAN,
            "reference_number": "20264419000001",
        },
        EvidenceKind.EQUITY: {
            "entity_name": "东莞固态电池科技有限公司",
            "credit_code": credit_code(103),
            "division": division(where),
            "amount": 800 * WAN,
        },
        EvidenceKind.LOCAL_REVENUE: {
            "entity_name": "东莞固态电池科技有限公司",
            "division": division(where),
            "subject": "中试产品在莞量产销售",
            "amount": 100 * WAN,
        },
        EvidenceKind.TEAM_SETTLED: {
            "counterparty": "陈教授团队",
            "team_size": 6,
            "entity_name": "东莞固态电池科技有限公司",
            "division": division(where),
        },
    }[kind]
    return {**base, **facts, **overrides}


def record(achievement, kind, staff, **overrides):
    return landing_evidence_record(
        achievement=achievement,
        kind=kind,
        data=evidence_data(kind, **overrides),
        acting_user=staff,
    )


# The least evidence that lands an achievement of each kind, and the clause it meets.
SUFFICIENT = {
    AchievementKind.ENTERPRISE: (
        [EvidenceKind.ENTERPRISE_REGISTRATION, EvidenceKind.TAX_PAID],
        LandingRule.ENTERPRISE,
    ),
    AchievementKind.PLATFORM: (
        [EvidenceKind.OPERATING_ENTITY, EvidenceKind.SERVICE_REVENUE],
        LandingRule.PLATFORM_REVENUE,
    ),
    AchievementKind.PROJECT: ([EvidenceKind.TRANSACTION], LandingRule.PROJECT_TRANSACTION),
}


def land(achievement, staff, *, on: date, where: str = "441900119", contribution=None):
    """Record sufficient evidence dated `on` in division `where` and verify the landing."""
    kinds, rule = SUFFICIENT[achievement.kind]
    for kind in kinds:
        record(achievement, kind, staff, on=on, where=where)
    return landing_verify(
        achievement=achievement,
        acting_user=staff,
        rule=rule,
        landed_on=on,
        division=division(where),
        economic_contribution=contribution,
    )


def landed_case(staff, *, on: date, where: str = "441900119", contribution=None, **kwargs):
    """A service-library case discovered two months before `on`, landed on `on`."""
    kwargs.setdefault("discovered_on", on - timedelta(days=60))
    case = service_case(entered_on=on - timedelta(days=30), **kwargs)
    return land(case, staff, on=on, where=where, contribution=contribution)
