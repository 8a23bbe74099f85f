"""The landing part of `seed_demo`: evidence, checks and verified landings over the plan years,
so the dashboard, the quota table and the reports show a plausible picture.

It runs in `finish` (after every app seeded): the landed achievements other demos created by a
bare status change get their real landing records, then about a hundred and forty achievements
land across 2024 to today — most credited to 市科技局 or the divisions with quotas, a few to
divisions without one (their landings offset the next year's quota), with the field landmarks
the 2024 quotas ask for. A few service-library cases are left proposed or incomplete for staff.

Deterministic (its own seeded generator) and idempotent: nothing is added once evidence exists.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from random import Random

from django.core.files.base import ContentFile
from django.utils import timezone

from kernel.money import WAN
from towns.demo import demo_credit_code
from towns.models import Division

from ..choices import (
    AchievementKind,
    AchievementStatus,
    EvidenceKind,
    LicenseDirection,
    RegistrationMode,
    ServiceRoute,
)
from ..models import Achievement, Assignment, LandingEvidence
from ..selectors.landing import check_achievement
from ..services.core import achievement_enter_service_library
from ..services.landing import landing_check, landing_evidence_record, landing_verify

SEED = "achievements.landing.demo.v1"
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
FIRST_PLAN_YEAR = 2024
# Landings per plan year (the current year scaled to the part of it that has passed).
PER_YEAR = {0: 62, 1: 88, 2: 84}
KJJ_SHARE = 0.4
# Division landings go where the 2024 annex put its quotas, weighted by them; a few land in
# divisions without a quota (茶山, 谢岗, 高埗, 道滘).
DIVISION_WEIGHTS = {
    "441900401": 13,
    "441900404": 3,
    "441900119": 6,
    "441900003": 4,
    "441900115": 3,
    "441900111": 3,
    "441900104": 3,
    "441900118": 3,
    "441900122": 3,
    "441900107": 2,
    "441900116": 2,
    "441900110": 2,
    "441900005": 2,
    "441900102": 2,
    "441900127": 2,
    "441900113": 1,
    "441900109": 1,
    "441900123": 1,
    "441900121": 1,
    "441900106": 1,
    "441900004": 1,
    "441900101": 1,
    "441900114": 1,
    "441900117": 1,
    "441900128": 1,
    "441900103": 2,
    "441900108": 1,
    "441900129": 1,
    "441900124": 1,
}
# (plan-year index, field code, contribution in 万元): 市科技局's field landmarks — 2024 has
# new materials and biomedicine but no AI yet; later years fill in; two ≥ 5亿元 in three years.
KJJ_LANDMARKS = [
    (0, "S04", 12_800),
    (0, "S06", 26_000),
    (1, "S04", 15_500),
    (1, "S06", 68_000),
    (1, "S07", 11_200),
    (2, "S07", 55_000),
    (2, "S06", 10_600),
]
OTHER_LANDMARKS = [(0, "441900401", 18_000), (1, "441900401", 21_000), (2, "441900119", 13_500)]
# Landings in 2024 in divisions that had no 2024 quota (茶山, 谢岗): they offset 2025's.
OFFSET_LANDINGS = [(0, "441900103"), (0, "441900103"), (0, "441900108")]
CONTRIBUTIONS = [300, 500, 800, 1200, 1500, 2000, 3000, 4500, 6000, 8000]

COMPANIES = [
    "东莞{w}科技有限公司",
    "东莞市{w}智能装备有限公司",
    "广东{w}新材料有限公司",
    "东莞{w}生物技术有限公司",
    "东莞市{w}电子科技有限公司",
]
WORDS = ["华诚", "松湖", "智源", "新锐", "鼎泰", "中科", "天安", "瑞丰", "恒盛", "启明", "博远"]
TEAM_LEADS = ["陈", "林", "黄", "张", "李", "王", "刘", "吴", "郑", "梁"]
PROJECT_CLAUSES = [
    EvidenceKind.TRANSACTION,
    EvidenceKind.EQUITY,
    EvidenceKind.LICENSE,
    EvidenceKind.LOCAL_REVENUE,
    EvidenceKind.TEAM_SETTLED,
]


@dataclass
class Plan:
    achievement: Achievement
    landed_on: date
    division: Division
    contribution: Decimal | None


def _pdf(name: str) -> ContentFile:
    return ContentFile(DEMO_PDF, name=name)


def _company(rng: Random) -> str:
    return rng.choice(COMPANIES).format(w=rng.choice(WORDS))


def _credit_code(rng: Random) -> str:
    return demo_credit_code(f"91441900MA{rng.randint(10_000_00, 99_999_99)}")


def _evidence(rng: Random, achievement: Achievement, plan: Plan, index: int) -> list[tuple]:
    """(kind, data) of the facts that land this achievement by `plan.landed_on`."""
    day = plan.landed_on
    company = _company(rng)
    division = plan.division
    if achievement.kind == AchievementKind.ENTERPRISE:
        return [
            (
                EvidenceKind.ENTERPRISE_REGISTRATION,
                {
                    "registration_mode": rng.choice(list(RegistrationMode.values)),
                    "entity_name": company,
                    "credit_code": _credit_code(rng),
                    "division": division,
                    "occurred_on": day - timedelta(days=rng.randint(60, 150)),
                    "document": _pdf("营业执照.pdf"),
                },
            ),
            (
                EvidenceKind.TAX_PAID,
                {
                    "entity_name": company,
                    "amount": Decimal(rng.choice([18, 36, 52, 85, 120, 260])) * WAN,
                    "occurred_on": day,
                    "reference_number": f"完税{day:%Y%m}{rng.randint(1000, 9999)}",
                    "document": _pdf("完税证明.pdf"),
                },
            ),
        ]
    if achievement.kind == AchievementKind.PLATFORM:
        entity = {
            "entity_name": company.replace("有限公司", "研究院有限公司"),
            "credit_code": _credit_code(rng),
            "division": division,
            "occurred_on": day - timedelta(days=rng.randint(90, 200)),
            "document": _pdf("运营主体营业执照.pdf"),
        }
        if index % 2:
            second = (
                EvidenceKind.SERVICE_REVENUE,
                {
                    "entity_name": entity["entity_name"],
                    "amount": Decimal(rng.choice([15, 28, 46, 80, 150])) * WAN,
                    "occurred_on": day,
                    "subject": f"{day.year}年1月至{day.month}月技术服务收入",
                    "document": _pdf("服务收入财务报表.pdf"),
                },
            )
        else:
            second = (
                EvidenceKind.AUTHORITY_APPROVAL,
                {
                    "authority": "东莞市科学技术局",
                    "subject": rng.choice(["东莞市新型研发机构认定", "东莞市工程技术研究中心"]),
                    "reference_number": f"东科〔{day.year}〕{rng.randint(10, 99)}号",
                    "occurred_on": day,
                    "document": _pdf("认定文件.pdf"),
                },
            )
        return [(EvidenceKind.OPERATING_ENTITY, entity), second]
    clause = PROJECT_CLAUSES[index % len(PROJECT_CLAUSES)]
    data = {"entity_name": company, "division": division, "occurred_on": day}
    if clause == EvidenceKind.TRANSACTION:
        data |= {
            "amount": Decimal(rng.choice([80, 150, 300, 600, 1200])) * WAN,
            "reference_number": f"{day.year}4419{rng.randint(100000, 999999)}",
            "subject": f"{achievement.title[:30]}技术转让合同",
            "document": _pdf("技术转让合同.pdf"),
        }
    elif clause == EvidenceKind.EQUITY:
        data |= {
            "credit_code": _credit_code(rng),
            "amount": Decimal(rng.choice([500, 800, 1500, 3000])) * WAN,
            "document": _pdf("作价出资协议及工商变更.pdf"),
        }
    elif clause == EvidenceKind.LICENSE:
        data |= {
            "license_direction": rng.choice(list(LicenseDirection.values)),
            "subject": "专利实施许可",
            "counterparty": achievement.holder,
            "reference_number": f"许可{day.year}-{rng.randint(100, 999)}",
            "document": _pdf("专利实施许可合同.pdf"),
        }
    elif clause == EvidenceKind.LOCAL_REVENUE:
        data |= {
            "subject": "中试产品在莞量产销售",
            "amount": Decimal(rng.choice([120, 260, 480, 900])) * WAN,
            "document": _pdf("销售收入证明.pdf"),
        }
    else:
        data |= {
            "counterparty": f"{rng.choice(TEAM_LEADS)}教授团队",
            "team_size": rng.randint(3, 15),
            "document": _pdf("团队落户证明.pdf"),
        }
    return [(clause, data)]


def _aware(day: date):
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _land(rng: Random, plan: Plan, staff, index: int) -> None:
    achievement = plan.achievement
    if achievement.status == AchievementStatus.SUBMITTED:
        achievement = achievement_enter_service_library(
            achievement,
            route=ServiceRoute.EVALUATION if index % 4 else ServiceRoute.RECOMMENDATION,
            acting_user=staff,
            reason="入选成果服务库（演示数据）",
        )
    entered = max(
        plan.landed_on - timedelta(days=rng.randint(60, 200)),
        (achievement.discovered_on or plan.landed_on) + timedelta(days=10),
    )
    entered = min(entered, plan.landed_on)
    Achievement.objects.filter(pk=achievement.pk).update(service_entered_at=_aware(entered))
    if not Assignment.objects.filter(achievement=achievement).exists():
        # The responsible person since the case entered (created directly: a past assignment
        # needs no notification today).
        Assignment.objects.create(
            achievement=achievement,
            assignee=staff,
            assigned_by=staff,
            note="包干服务至落地（演示数据）",
            started_at=_aware(entered),
        )
    for kind, data in _evidence(rng, achievement, plan, index):
        landing_evidence_record(achievement=achievement, kind=kind, data=data, acting_user=staff)
    result = next(r for r in check_achievement(achievement).results if r.met)
    landing_verify(
        achievement=achievement,
        acting_user=staff,
        rule=result.rule,
        landed_on=plan.landed_on,
        division=plan.division,
        economic_contribution=plan.contribution,
        contribution_note="按年销售收入及纳税测算（演示数据）" if plan.contribution else "",
        note="已核对证据原件（演示数据）",
    )


def _day_in(rng: Random, year: int, today: date) -> date:
    last = min(date(year, 12, 20), today - timedelta(days=3))
    first = date(year, 2, 15)
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def finish(ctx) -> None:
    if LandingEvidence.objects.exists():
        ctx.say("成果落地：演示数据已存在。")
        return
    rng = Random(SEED)
    staff = [ctx.users[name] for name in ("center_chen", "center_lin") if name in ctx.users]
    if not staff:
        return
    today = timezone.localdate()
    _spread_service_entries(rng, today)
    divisions = {d.code: d for d in Division.objects.all()}
    plans: list[Plan] = []

    # The landed achievements of other demos, landed by a bare status change: record them.
    legacy = list(
        Achievement.objects.filter(status=AchievementStatus.LANDED, landing__isnull=True)
        .select_related("discovering_unit")
        .order_by("pk")
    )
    legacy_days = [date(2024, 6, 18), date(2024, 9, 10), date(2025, 1, 15), date(2025, 5, 20)]
    for index, achievement in enumerate(legacy):
        day = legacy_days[index] if index < len(legacy_days) else date(2025, 7, 8)
        plans.append(
            Plan(
                achievement,
                min(day, today - timedelta(days=3)),
                achievement.landing_division or divisions["441900401"],
                Decimal(rng.choice(CONTRIBUTIONS)) * WAN,
            )
        )

    pool = list(
        Achievement.objects.filter(status=AchievementStatus.SUBMITTED)
        .exclude(discovered_on__isnull=True)
        .select_related("discovering_unit", "field")
        .order_by("pk")
    )
    rng.shuffle(pool)
    used: set[int] = set()

    def take(day: date, *, kjj: bool, field: str = "") -> Achievement | None:
        for candidate in pool:
            if candidate.pk in used or candidate.discovered_on > day - timedelta(days=45):
                continue
            if (candidate.discovering_unit.code == "kjj") != kjj:
                continue
            if field and candidate.field.code != field:
                continue
            used.add(candidate.pk)
            return candidate
        return None

    weighted = [code for code, weight in DIVISION_WEIGHTS.items() for _ in range(weight)]
    for offset, year in enumerate(range(FIRST_PLAN_YEAR, today.year + 1)):
        count = PER_YEAR.get(min(offset, 2), 48)
        if year == today.year:
            count = round(count * (today.timetuple().tm_yday / 365))
        specials = [(f, w) for y, f, w in KJJ_LANDMARKS if y == offset]
        others = [(code, w) for y, code, w in OTHER_LANDMARKS if y == offset]
        others += [(code, None) for y, code in OFFSET_LANDINGS if y == offset]
        for index in range(count):
            day = _day_in(rng, year, today)
            if index < len(specials):
                # Landmarks land later in the year, when the big cases mature.
                day = min(max(day, date(year, 8, 1)), today - timedelta(days=3))
            kjj = index < len(specials) or rng.random() < KJJ_SHARE
            field, amount = specials[index] if index < len(specials) else ("", None)
            achievement = take(day, kjj=kjj, field=field) or take(day, kjj=kjj)
            if achievement is None:
                continue
            division_code = rng.choice(weighted)
            if not kjj and others:
                division_code, amount = others.pop()
            if amount is None:
                recorded = year < today.year or rng.random() < 0.8
                amount = rng.choice(CONTRIBUTIONS) if recorded else None
            plans.append(
                Plan(
                    achievement,
                    day,
                    achievement.landing_division
                    if kjj and achievement.landing_division
                    else divisions[division_code],
                    Decimal(amount) * WAN if amount is not None else None,
                )
            )

    for index, plan in enumerate(plans):
        _land(rng, plan, staff[index % len(staff)], index)
    _open_cases(rng, staff[0], today)
    ctx.say(f"成果落地：{len(plans)} 项成果已认定落地（{FIRST_PLAN_YEAR}年至今）。")


def _open_cases(rng: Random, staff, today: date) -> None:
    """Service-library cases with evidence still open: some meet a standard and wait for
    verification, some do not yet (a revenue just under its threshold, a missing tax record)."""
    cases = list(
        Achievement.objects.filter(status=AchievementStatus.SERVICE)
        .filter(landing_evidence__isnull=True)
        .order_by("pk")
    )
    by_kind: dict[str, list[Achievement]] = {}
    for case in cases:
        by_kind.setdefault(case.kind, []).append(case)
    division = Division.objects.get(code="441900119")
    day = today - timedelta(days=5)
    for index, case in enumerate(by_kind.get(AchievementKind.PROJECT, [])[:4]):
        plan = Plan(case, day, division, None)
        for kind, data in _evidence(rng, case, plan, index):
            landing_evidence_record(achievement=case, kind=kind, data=data, acting_user=staff)
    platforms = by_kind.get(AchievementKind.PLATFORM, [])[:1]
    for case in platforms:
        name = _company(rng).replace("有限公司", "研究院有限公司")
        landing_evidence_record(
            achievement=case,
            kind=EvidenceKind.OPERATING_ENTITY,
            data={
                "entity_name": name,
                "credit_code": _credit_code(rng),
                "division": division,
                "occurred_on": day - timedelta(days=120),
                "document": _pdf("运营主体营业执照.pdf"),
            },
            acting_user=staff,
        )
        landing_evidence_record(
            achievement=case,
            kind=EvidenceKind.SERVICE_REVENUE,
            data={
                "entity_name": name,
                "amount": Decimal("8.6") * WAN,
                "occurred_on": day,
                "subject": "上半年技术服务收入",
                "document": _pdf("服务收入财务报表.pdf"),
            },
            acting_user=staff,
        )
    enterprises = by_kind.get(AchievementKind.ENTERPRISE, [])[:1]
    for case in enterprises:
        landing_evidence_record(
            achievement=case,
            kind=EvidenceKind.ENTERPRISE_REGISTRATION,
            data={
                "registration_mode": RegistrationMode.MOVED,
                "entity_name": _company(rng),
                "credit_code": _credit_code(rng),
                "division": division,
                "occurred_on": day - timedelta(days=20),
                "document": _pdf("迁入变更登记.pdf"),
            },
            acting_user=staff,
        )

    # The check the task would run after the commit, now: the demo reads its result at once.
    for case in [*by_kind.get(AchievementKind.PROJECT, [])[:4], *platforms, *enterprises]:
        landing_check(achievement_id=case.pk)


def _spread_service_entries(rng: Random, today: date) -> None:
    """Cases the discovery demo put into the service library all entered today; spread their
    entry over the months after their discovery, so the monthly trend reads like a real year
    (and the service-library part then gives them follow-ups since then)."""
    fresh = Achievement.objects.filter(
        status=AchievementStatus.SERVICE,
        service_entered_at__gte=timezone.now() - timedelta(days=1),
        assignments__isnull=True,
    ).order_by("pk")
    for achievement in fresh:
        discovered = achievement.discovered_on or today
        entered = discovered + timedelta(days=rng.randint(20, 150))
        entered = min(entered, today - timedelta(days=rng.randint(2, 20)))
        Achievement.objects.filter(pk=achievement.pk).update(
            service_entered_at=_aware(max(entered, discovered))
        )
