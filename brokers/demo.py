"""Demo data of the transfer ecosystem: deterministic (ctx.rng) and idempotent (natural keys)."""

from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from achievements.choices import AchievementKind, AchievementStatus, ServiceRoute
from achievements.models import Achievement, Demand
from achievements.services.core import (
    achievement_change_status,
    achievement_enter_service_library,
    normalize_title,
)
from kernel.money import WAN
from towns.demo import demo_credit_code
from towns.models import (
    Division,
    IncubatedEnterprise,
    IncubationCarrier,
    Industry,
    TechCommissioner,
    Unit,
)

from . import models as m
from . import services
from .choices import (
    BrokerStatus,
    ContractType,
    EventKind,
    FundLevel,
    InvestmentRound,
    PocKind,
    PocStatus,
    Rating,
)

# A one-page PDF standing in for a scanned certificate.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# name, employer, level code, recognised base?, certificate number, date, status, username
BROKERS = [
    (
        "孙立新",
        "东莞市科技成果转化服务中心",
        "senior",
        True,
        "GDJS-2021-0168",
        date(2021, 11, 20),
        BrokerStatus.IN_LIBRARY,
        "broker_sun",
    ),
    (
        "王芳",
        "松山湖科技服务有限公司",
        "intermediate",
        True,
        "GDJS-2022-0412",
        date(2022, 6, 8),
        BrokerStatus.IN_LIBRARY,
        None,
    ),
    (
        "陈志伟",
        "东莞理工学院科研院",
        "senior",
        True,
        "GDJS-2020-0057",
        date(2020, 9, 15),
        BrokerStatus.IN_LIBRARY,
        None,
    ),
    (
        "梁嘉欣",
        "广东华科知识产权运营有限公司",
        "intermediate",
        True,
        "GDJS-2023-0730",
        date(2023, 7, 2),
        BrokerStatus.IN_LIBRARY,
        None,
    ),
    (
        "刘洋",
        "东莞市长安镇科技服务中心",
        "intermediate",
        True,
        "GDJS-2024-0921",
        date(2024, 10, 12),
        BrokerStatus.PENDING,
        None,
    ),
    (
        "赵静",
        "东莞市创新创业服务协会",
        "junior",
        True,
        "GDJS-2024-1033",
        date(2024, 12, 1),
        BrokerStatus.PENDING,
        None,
    ),
    (
        "黄磊",
        "东莞某技术咨询有限公司",
        "intermediate",
        False,
        "DGXH-2023-0019",
        date(2023, 3, 18),
        BrokerStatus.REJECTED,
        None,
    ),
]

# Landed and service-library achievements the demo uses when too few exist.
DEMO_ACHIEVEMENTS = [
    ("硫化物固态电解质中试制备工艺", "S05", AchievementStatus.LANDED),
    ("工业机器人高精度谐波减速器", "S03", AchievementStatus.LANDED),
    ("Micro LED 巨量转移关键装备", "S01", AchievementStatus.LANDED),
    ("可降解医用镁合金骨钉", "S06", AchievementStatus.LANDED),
    ("面向6G的太赫兹射频前端芯片", "S02", AchievementStatus.LANDED),
    ("注塑成型工艺智能优化系统", "S04", AchievementStatus.SERVICE),
    ("钠离子电池层状氧化物正极材料", "S05", AchievementStatus.SERVICE),
]

CONTRACT_TITLES = [
    "固态电池电解质量产工艺技术开发",
    "谐波减速器专利实施许可",
    "Micro LED 转移装备技术转让",
    "医用镁合金表面改性技术服务",
    "太赫兹芯片测试平台技术开发",
    "注塑模具温控系统技术咨询",
    "锂电池极片缺陷视觉检测技术开发",
    "新能源汽车电机控制器技术转让",
    "智能仓储调度算法技术许可",
    "纺织品功能性整理工艺技术服务",
    "食品冷链追溯系统技术开发",
    "家具板材环保胶黏剂技术转让",
]
SELLERS = [
    ("东莞理工学院", "441900401"),
    ("松山湖材料实验室", "441900401"),
    ("华南理工大学", None),
    ("中国科学院深圳先进技术研究院", None),
    ("东莞市华中科技大学制造工程研究院", "441900401"),
]
BUYERS = [
    ("东莞锂安新能源科技有限公司", "441900401"),
    ("东莞市精诚注塑科技有限公司", "441900119"),
    ("广东长盈精密技术有限公司", "441900122"),
    ("东莞市凯格精机股份有限公司", "441900113"),
    ("深圳市某智能装备有限公司", None),
]
# shares of brokers (by index in BROKERS) per contract pattern
SHARE_PATTERNS = [[(0, 100)], [(0, 60), (1, 40)], [(2, 100)], [(1, 100)], [(3, 50), (0, 50)], []]

OUTSTANDING_NAMES = [
    "孙立新",
    "陈志伟",
    "王芳",
    "梁嘉欣",
    "周建国",
    "吴晓燕",
    "郑海涛",
    "冯丽娜",
    "何志明",
    "罗雪梅",
    "许文杰",
    "邓思琪",
]
INTERMEDIARIES = [
    ("东莞市松湖科技服务有限公司", "441900401", 2021, 2024),
    ("广东智汇知识产权代理有限公司", "441900003", 2020, None),
    ("东莞市创享孵化器管理有限公司", "441900119", 2022, 2025),
    ("东莞市检验检测认证服务中心", "441900113", 2019, None),
    ("东莞滨海湾技术转移有限公司", "441900404", 2023, None),
]
POC_CENTERS = [
    ("松山湖新型储能概念验证中心", PocKind.POC_CENTER, "松山湖材料实验室", "441900401", 2022),
    (
        "东莞智能装备中试基地",
        PocKind.PILOT_BASE,
        "东莞市华中科技大学制造工程研究院",
        "441900401",
        2024,
    ),
    (
        "长安镇智能终端概念验证中心",
        PocKind.POC_CENTER,
        "东莞市长安镇科技服务中心",
        "441900119",
        2024,
    ),
    (
        "生物医药中试熟化基地",
        PocKind.PILOT_BASE,
        "东莞市生物技术产业发展有限公司",
        "441900401",
        None,
    ),
]
EVENTS = [
    (
        "2024粤港澳大湾区科技成果转化大赛",
        EventKind.COMPETITION,
        "东莞市科技服务业协会",
        date(2024, 9, 20),
        8_000_000,
    ),
    (
        "2024新能源材料技术转移论坛",
        EventKind.FORUM,
        "松山湖科技服务有限公司",
        date(2024, 6, 12),
        1_200_000,
    ),
    (
        "2024东莞国际科技成果展",
        EventKind.EXHIBITION,
        "东莞市会展行业协会",
        date(2024, 11, 8),
        5_000_000,
    ),
    (
        "2025智能制造成果转化路演",
        EventKind.FORUM,
        "东莞市创享孵化器管理有限公司",
        date(2025, 4, 18),
        900_000,
    ),
]
# The industries each centre, intermediary and complex serves, chosen to fit its name and place
# (a 储能 centre serves 新能源, not 玩具).
SERVED_FIELDS = {
    "松山湖新型储能概念验证中心": ("S05", "F02"),
    "东莞智能装备中试基地": ("S02", "F03"),
    "长安镇智能终端概念验证中心": ("S01", "T08"),
    "生物医药中试熟化基地": ("S06", "F04"),
    "东莞市松湖科技服务有限公司": ("S01", "S04"),
    "广东智汇知识产权代理有限公司": ("S01", "S07"),
    "东莞市创享孵化器管理有限公司": ("S01", "T08"),
    "东莞市检验检测认证服务中心": ("S02", "T02"),
    "东莞滨海湾技术转移有限公司": ("S03", "S02"),
    "松山湖国际创新创业社区": ("S07", "S06"),
    "长安镇智能终端创新创业综合体": ("S01", "T08"),
    "东城街道数字经济创新创业综合体": ("S07", "S01"),
    "滨海湾新区青年创新创业综合体": ("S03", "S08"),
}


def _served_fields(ctx, name: str, fields: list[Industry]) -> list[Industry]:
    # The draw is still made so that the rest of the demo data stays as it was.
    ctx.rng.sample(fields, 2)
    return list(Industry.objects.filter(code__in=SERVED_FIELDS[name]).order_by("code"))


COMPLEXES = [
    ("松山湖国际创新创业社区", "441900401", "松山湖控股", 2023),
    ("长安镇智能终端创新创业综合体", "441900119", "长安镇科技服务中心", 2024),
    ("东城街道数字经济创新创业综合体", "441900003", "东城街道经济发展局", 2024),
    ("滨海湾新区青年创新创业综合体", "441900404", "滨海湾新区管委会", 2025),
]
MAJOR_PROJECT_NAMES = [
    "高端数控机床主轴关键技术攻关",
    "新能源汽车一体化压铸技术",
    "柔性OLED模组关键材料",
    "工业互联网平台关键技术",
    "高性能锂电隔膜制备技术",
    "智能穿戴设备低功耗芯片",
    "5G通信滤波器国产化",
    "半导体封装测试装备",
    "绿色印染废水处理技术",
    "人形机器人关节模组",
]
COMPANY_WORDS = ["精工", "智造", "新材", "光电", "微电子", "科技", "电子", "智能", "动力", "生物"]
INSTITUTIONS = [
    "华南理工大学",
    "东莞理工学院",
    "中山大学",
    "广东工业大学",
    "哈尔滨工业大学（深圳）",
]


def _division(code: str) -> Division:
    return Division.objects.get(code=code)


def _demo_achievements(ctx, staff) -> list[Achievement]:
    """The demo's own landed / service-library achievements, found by title: always the same
    records, whatever other apps' demo data added, so that a second run creates nothing."""
    unit = Unit.objects.get(code="dgut")
    result = []
    for title, field_code, status in DEMO_ACHIEVEMENTS:
        achievement = Achievement.objects.filter(title=title).first()
        if achievement is None:
            achievement = Achievement.objects.create(
                title=title,
                title_normalized=normalize_title(title),
                summary=f"{title}：已完成中试验证，关键指标达到国内领先水平。",
                kind=AchievementKind.PROJECT,
                field=Industry.objects.get(code=field_code),
                trl=6,
                holder="东莞理工学院",
                discovering_unit=unit,
                status=AchievementStatus.SUBMITTED,
                discovered_on=date(2024, 3, 1),
                created_by=staff,
            )
            achievement = achievement_enter_service_library(
                achievement, route=ServiceRoute.EVALUATION, acting_user=staff
            )
            if status == AchievementStatus.LANDED:
                achievement = achievement_change_status(
                    achievement,
                    to=AchievementStatus.LANDED,
                    allowed_from=[AchievementStatus.SERVICE],
                    acting_user=staff,
                    reason="演示数据：已落地",
                )
        result.append(achievement)
    return result


def _brokers(ctx, staff) -> list[m.Broker]:
    recognised = m.TrainingBase.objects.get(recognised=True)
    other, _ = m.TrainingBase.objects.get_or_create(
        name="东莞市技术市场协会培训中心",
        defaults={"recognised": False, "note": "非国家级培养基地"},
    )
    levels = {level.code: level for level in m.CertificateLevel.objects.all()}
    fields = list(Industry.objects.all()[:12])
    brokers = []
    for name, employer, level, is_recognised, number, issued, status, username in BROKERS:
        broker = m.Broker.objects.filter(certificate_number=number).first()
        if broker is None:
            broker = services.broker_create(
                acting_user=staff,
                fields=ctx.rng.sample(fields, 2),
                user=ctx.users.get(username) if username else None,
                name=name,
                employer=employer,
                phone=f"1380769{ctx.rng.randint(1000, 9999)}",
                email=f"broker{len(brokers) + 1}@demo.dgkjcg.local",
                certificate_level=levels[level],
                training_base=recognised if is_recognised else other,
                certificate_number=number,
                certificate_date=issued,
                certificate_file=ContentFile(DEMO_PDF, name=f"{number}.pdf"),
            )
            if status == BrokerStatus.IN_LIBRARY:
                broker = services.broker_verify(
                    broker=broker, acting_user=staff, note="证书原件已核对"
                )
            elif status == BrokerStatus.REJECTED:
                broker = services.broker_reject(
                    broker=broker, acting_user=staff, note="发证机构不是认可的培养基地"
                )
        brokers.append(broker)
    return brokers


def _contracts(ctx, staff, brokers, achievements) -> None:
    types = list(ContractType)
    number = 0
    today = timezone.localdate()
    # The current year gets contracts too (registered before today), so the year's figures are
    # not empty on the dashboards whatever year the demo is loaded in.
    years = [(2024, 14, 12), (2025, 10, 12)]
    if today.year > 2025:
        years.append((today.year, 8, today.month))
    for year, count, months in years:
        for index in range(count):
            number += 1
            registration_number = f"{year}4419{number:06d}"
            if m.TechContract.objects.filter(registration_number=registration_number).exists():
                continue
            seller, seller_code = SELLERS[index % len(SELLERS)]
            buyer, buyer_code = BUYERS[(index * 3 + year) % len(BUYERS)]
            pattern = SHARE_PATTERNS[index % len(SHARE_PATTERNS)]
            amount = Decimal(ctx.rng.choice([80, 150, 260, 420, 680, 950, 1500, 2600])) * WAN
            services.contract_register(
                acting_user=staff,
                achievements=[achievements[index % len(achievements)]],
                shares=[(brokers[b], Decimal(s)) for b, s in pattern],
                title=CONTRACT_TITLES[index % len(CONTRACT_TITLES)],
                contract_type=types[index % len(types)],
                registration_number=registration_number,
                registered_on=min(date(year, 1 + (index * 5) % months, 3 + index), today),
                amount=amount,
                seller_name=seller,
                seller_division=_division(seller_code) if seller_code else None,
                buyer_name=buyer,
                buyer_division=_division(buyer_code) if buyer_code else None,
            )


# The 天使母基金 and its 子基金 (seed 000 二(二)3). Sizes are demo figures, not policy numbers.
# name, parent (index) or None, partner division code, partner platform, size (万元), fields
DEMO_FUNDS = [
    ("东莞市天使投资母基金", None, None, "", 100000, ["S01", "S03", "S04", "S07"]),
    ("松山湖科学城天使子基金", 0, "441900401", "", 20000, ["S03", "S04", "F02"]),
    ("滨海湾新区天使子基金", 0, "441900404", "", 15000, ["S02", "S08"]),
    ("长安镇智能终端天使子基金", 0, "441900119", "", 5000, ["S01", "S07"]),
    ("东莞理工学院成果转化子基金", 0, None, "东莞理工学院", 3000, ["S05", "S09"]),
]


def _funds(ctx, staff) -> list:
    funds = []
    for name, parent, division_code, platform, size, codes in DEMO_FUNDS:
        fund = m.Fund.objects.filter(name=name).first()
        if fund is None:
            fund = services.register_entry_save(
                instance=m.Fund(
                    name=name,
                    level=FundLevel.PARENT if parent is None else FundLevel.CHILD,
                    parent=None if parent is None else funds[parent],
                    partner_division=_division(division_code) if division_code else None,
                    partner_platform=platform,
                    manager="东莞科技创新投资集团" if parent is None else "",
                    size=Decimal(size) * WAN,
                    established_on=date(2024, 6, 28) if parent is None else date(2025, 1, 15),
                    note="演示数据",
                ),
                acting_user=staff,
                m2m={"fields": list(Industry.objects.filter(code__in=codes))},
            )
        funds.append(fund)
    return funds


def _venture(ctx, staff, achievements, funds) -> None:
    rounds = [
        (0, "深创投", InvestmentRound.A, 3000, date(2024, 8, 16)),
        (1, "松禾资本", InvestmentRound.ANGEL, 800, date(2024, 11, 2)),
        (2, "东莞市天使投资母基金", InvestmentRound.ANGEL, 1200, date(2025, 3, 21)),
        (0, "粤科金融集团", InvestmentRound.B, 5000, date(2025, 6, 30)),
        (3, "达晨财智", InvestmentRound.PRE_A, 1500, date(2025, 9, 9)),
        (5, "东莞科技创新投资集团", InvestmentRound.SEED, 300, date(2025, 2, 14)),
    ]
    for index, investor, round_, wan, when in rounds:
        achievement = achievements[index]
        if m.VentureRound.objects.filter(achievement=achievement, invested_on=when).exists():
            continue
        services.register_entry_save(
            instance=m.VentureRound(
                achievement=achievement,
                investor=investor,
                fund=funds[0] if investor == funds[0].name else None,
                round=round_,
                amount=Decimal(wan) * WAN,
                invested_on=when,
            ),
            acting_user=staff,
        )


def _intermediaries(ctx, staff, achievements) -> None:
    fields = list(Industry.objects.all())
    landed = [a for a in achievements if a.status == AchievementStatus.LANDED]
    for index, (name, code, since, above) in enumerate(INTERMEDIARIES):
        if m.Intermediary.objects.filter(name=name).exists():
            continue
        intermediary = services.register_entry_save(
            instance=m.Intermediary(
                name=name,
                division=_division(code),
                recognition_year=since,
                first_above_scale_year=above,
            ),
            acting_user=staff,
            m2m={
                "fields": _served_fields(ctx, name, fields),
                "landed_projects": landed[index % 3 :][:2],
            },
        )
        for year in (2024, 2025):
            score = Decimal(ctx.rng.randint(72, 96))
            demonstration = score >= 85
            services.register_entry_save(
                instance=m.IntermediaryRating(
                    intermediary=intermediary,
                    year=year,
                    rating=Rating.EXCELLENT if score >= 90 else Rating.GOOD,
                    score=score,
                    service_revenue=Decimal(ctx.rng.randint(300, 3000)) * WAN,
                    demonstration=demonstration,
                    proposed_amount=Decimal(ctx.rng.choice([40, 60, 80, 120])) * WAN
                    if demonstration
                    else None,
                ),
                acting_user=staff,
            )


def _poc_centers(ctx, staff, achievements) -> None:
    fields = list(Industry.objects.all())
    landed = [a for a in achievements if a.status == AchievementStatus.LANDED]
    for name, kind, operator, code, recognised in POC_CENTERS:
        if m.PocCenter.objects.filter(name=name).exists():
            continue
        center = services.register_entry_save(
            instance=m.PocCenter(name=name, kind=kind, operator=operator, division=_division(code)),
            acting_user=staff,
            m2m={"fields": _served_fields(ctx, name, fields)},
        )
        if recognised is None:
            continue
        center = services.poc_center_recognise(
            center=center, year=recognised, support=Decimal(100) * WAN, acting_user=staff
        )
        for offset, achievement in enumerate(landed[:3]):
            services.poc_project_add(
                center=center,
                achievement=achievement,
                year=recognised + 1 + offset % 2,
                contribution=Decimal(ctx.rng.choice([600, 1800, 4200, 9000])) * WAN,
                acting_user=staff,
            )
        if center.status == PocStatus.RECOGNISED and recognised == 2022:
            services.poc_evaluation_record(
                center=center,
                year=2024,
                rating=Rating.GOOD,
                note="运行规范，转化成效明显",
                acting_user=staff,
            )


def _events_and_candidates(ctx, staff, brokers) -> None:
    for name, kind, organiser, held_on, spend in EVENTS:
        if not m.SubsidisedEvent.objects.filter(name=name).exists():
            services.register_entry_save(
                instance=m.SubsidisedEvent(
                    name=name, kind=kind, organiser=organiser, held_on=held_on, total_spend=spend
                ),
                acting_user=staff,
            )
    by_name = {b.name: b for b in brokers if b.status == BrokerStatus.IN_LIBRARY}
    for index, name in enumerate(OUTSTANDING_NAMES):
        if m.OutstandingIndividual.objects.filter(year=2024, name=name).exists():
            continue
        broker = by_name.get(name)
        services.register_entry_save(
            instance=m.OutstandingIndividual(
                year=2024,
                name=name,
                broker=broker,
                employer=broker.employer if broker else "东莞市技术转移服务机构",
                merit="全年促成多项科技成果在莞转化落地，服务企业技术需求。",
                score=Decimal(95 - index * 2),
                proposed_amount=Decimal(ctx.rng.choice([10, 15, 20, 25])) * WAN,
            ),
            acting_user=staff,
        )


def _programmes(ctx, staff) -> None:
    divisions = list(Division.objects.all())
    fields = list(Industry.objects.all())
    if not m.MajorProject.objects.exists():
        for index in range(60):
            division = divisions[(index * 7) % len(divisions)]
            services.register_entry_save(
                instance=m.MajorProject(
                    name=f"{MAJOR_PROJECT_NAMES[index % len(MAJOR_PROJECT_NAMES)]}（{division.short_name}）",
                    lead_enterprise=f"东莞市{division.short_name}{COMPANY_WORDS[index % 10]}有限公司",
                    division=division,
                    field=fields[index % len(fields)],
                    year=2023 + index % 3,
                ),
                acting_user=staff,
            )
    if not m.GazelleEnterprise.objects.exists():
        for index in range(80):
            division = divisions[(index * 5) % len(divisions)]
            services.register_entry_save(
                instance=m.GazelleEnterprise(
                    name=f"东莞{division.short_name}{COMPANY_WORDS[index % 10]}科技有限公司{index + 1}号",
                    credit_code=demo_credit_code(f"91441900MA5G{index:04d}"),
                    division=division,
                    field=fields[index % len(fields)],
                    year=2023 + index % 3,
                ),
                acting_user=staff,
            )
    if not m.CooperationProject.objects.exists():
        for index in range(45):
            division = divisions[(index * 3) % len(divisions)]
            services.register_entry_save(
                instance=m.CooperationProject(
                    title=f"{MAJOR_PROJECT_NAMES[index % 10]}产学研合作",
                    enterprise=f"东莞市{division.short_name}{COMPANY_WORDS[index % 10]}有限公司",
                    institution=INSTITUTIONS[index % len(INSTITUTIONS)],
                    division=division,
                    signed_on=date(2023 + index % 3, 1 + index % 12, 10),
                    amount=Decimal(ctx.rng.choice([30, 50, 120, 300])) * WAN,
                ),
                acting_user=staff,
            )
    for name, code, operator, year in COMPLEXES:
        if not m.InnovationComplex.objects.filter(name=name).exists():
            services.register_entry_save(
                instance=m.InnovationComplex(
                    name=name, division=_division(code), operator=operator, year=year
                ),
                acting_user=staff,
                m2m={"fields": _served_fields(ctx, name, fields)},
            )
    for code, year, highlights in (
        ("441900401", 2024, "以松山湖科学城为核心，推进大科学装置成果就地转化。"),
        ("441900119", 2025, "聚焦智能终端产业链，建成镇级概念验证中心。"),
    ):
        if not m.DemonstrationTown.objects.filter(division__code=code).exists():
            services.register_entry_save(
                instance=m.DemonstrationTown(
                    division=_division(code), year=year, highlights=highlights
                ),
                acting_user=staff,
            )


# Seed 000 registers: 科技特派员 (name, employer, expertise, division code, dispatched)
COMMISSIONERS = [
    ("黄志远", "华南理工大学", "精密制造与数控", "441900119", date(2024, 3, 1)),
    ("林晓敏", "东莞理工学院", "新材料", "441900110", date(2024, 3, 1)),
    ("陈国栋", "中山大学", "生物医药", "441900401", date(2024, 5, 10)),
    ("吴嘉欣", "广东工业大学", "智能装备", "441900116", date(2024, 6, 1)),
    ("郑宏伟", "东莞理工学院", "电子信息", "441900113", date(2025, 2, 20)),
    ("何美玲", "华南农业大学", "食品与生物技术", "441900122", date(2025, 3, 1)),
    ("刘振华", "广东工业大学", "新能源", "441900121", date(2025, 4, 1)),
    ("周文静", "中山大学", "环保与节能", "441900111", date(2025, 4, 15)),
]
COMMISSIONER_PROBLEMS = [
    ("主轴热变形导致加工精度波动", "提出温度补偿方案，精度提升约30%"),
    ("注塑件翘曲变形，良率偏低", "优化模具冷却水路，良率由85%提至94%"),
    ("产线缺少在线检测手段", "引入机器视觉检测方案，正在试产"),
    ("废水处理成本高", "推荐膜分离工艺，已与高校签订技术服务合同"),
    ("电池模组一致性差", "协助建立分选标准，问题已解决"),
]
# name, kind, level, division code, operator, recognised year, capacity, occupied
CARRIERS = [
    (
        "松山湖国际创新创业社区众创空间",
        "maker_space",
        "national",
        "441900401",
        "东莞松山湖控股有限公司",
        2022,
        60,
        52,
    ),
    (
        "长安镇青年创客空间",
        "maker_space",
        "municipal",
        "441900119",
        "东莞市长安科技服务有限公司",
        2023,
        40,
        31,
    ),
    (
        "常平镇众创空间",
        "maker_space",
        "provincial",
        "441900110",
        "东莞市常平创新服务中心",
        2024,
        30,
        18,
    ),
    (
        "松山湖科技企业孵化器",
        "incubator",
        "national",
        "441900401",
        "东莞松山湖控股有限公司",
        2020,
        120,
        104,
    ),
    (
        "东城科技企业孵化器",
        "incubator",
        "provincial",
        "441900003",
        "东莞市东城创业服务有限公司",
        2021,
        80,
        61,
    ),
    (
        "大朗镇智造孵化器",
        "incubator",
        "municipal",
        "441900113",
        "东莞市大朗科技服务有限公司",
        2023,
        50,
        27,
    ),
    (
        "松山湖高新区企业加速器",
        "accelerator",
        "provincial",
        "441900401",
        "东莞松山湖控股有限公司",
        2021,
        40,
        36,
    ),
    (
        "滨海湾新区产业加速器",
        "accelerator",
        "municipal",
        "441900404",
        "东莞滨海湾发展有限公司",
        2024,
        30,
        12,
    ),
]
LOAN_LOSS_CLAIMS = [
    # bank, enterprise, loan (万元), loss (万元), year, requested rate (%)
    ("东莞农村商业银行", "东莞市长安精工科技有限公司", 500, 120, 2024, None),
    ("东莞银行", "东莞市常平新材科技有限公司", 300, 80, 2024, Decimal(60)),
    ("中国银行东莞分行", "东莞市大朗光电科技有限公司", 800, 200, 2024, Decimal(90)),
    ("东莞银行", "东莞市塘厦智能科技有限公司", 400, 150, 2025, None),
]


def _commissioners(ctx, staff) -> None:
    if m.CommissionerService.objects.exists():
        return
    demands = list(Demand.objects.order_by("pk")[:4])
    for index, (name, employer, expertise, code, dispatched) in enumerate(COMMISSIONERS):
        commissioner = services.register_entry_save(
            instance=TechCommissioner(
                name=name,
                employer=employer,
                expertise=expertise,
                division=_division(code),
                dispatched_on=dispatched,
            ),
            acting_user=staff,
        )
        for visit in range(1 + index % 3):
            problem, result = COMMISSIONER_PROBLEMS[(index + visit) % len(COMMISSIONER_PROBLEMS)]
            demand = demands[index % len(demands)] if demands and visit == 0 and index < 4 else None
            services.register_entry_save(
                instance=m.CommissionerService(
                    commissioner=commissioner,
                    enterprise=f"东莞市{commissioner.division.short_name}{COMPANY_WORDS[(index + visit) % 10]}有限公司",
                    served_on=date(dispatched.year, min(12, dispatched.month + 1 + visit), 15),
                    problem=problem,
                    result=result,
                    demand=demand,
                    solved=demand is not None or visit % 2 == 1,
                ),
                acting_user=staff,
            )


def _carriers(ctx, staff) -> None:
    if IncubationCarrier.objects.exists():
        return
    serial = 0
    for name, kind, level, code, operator, year, capacity, occupied in CARRIERS:
        carrier = services.register_entry_save(
            instance=IncubationCarrier(
                name=name,
                kind=kind,
                level=level,
                division=_division(code),
                operator=operator,
                recognised_year=year,
                capacity=capacity,
                occupied=occupied,
            ),
            acting_user=staff,
        )
        for index in range(4):
            serial += 1
            graduated = index < 2
            # Every fifth enterprise is in the gazelle register (the same credit code).
            code_body = (
                f"91441900MA5G{serial:04d}" if serial % 5 == 0 else f"91441900MA6H{serial:04d}"
            )
            services.register_entry_save(
                instance=IncubatedEnterprise(
                    carrier=carrier,
                    name=f"东莞{carrier.division.short_name}{COMPANY_WORDS[serial % 10]}创新科技有限公司{serial}号",
                    credit_code=demo_credit_code(code_body),
                    entered_on=date(max(year, 2022), 1 + index * 2, 1),
                    graduated_on=date(2025, 6, 30) if graduated else None,
                    high_tech_year=2025 if graduated and index == 0 else None,
                ),
                acting_user=staff,
            )


def _town_selections(ctx, staff) -> None:
    mechanism = {
        "mechanism_rd_projects": "每年组织一批镇级重点研发项目，与市重大科技项目库联动申报。",
        "mechanism_service_platforms": "建成一个镇级科技服务平台，对接市成果转化服务中心。",
        "mechanism_complexes": "依托市镇共建创新创业综合体开展孵化服务。",
        "mechanism_cooperation": "每季度举办一场产学研对接活动。",
        "mechanism_investment": "建立科技招商项目库，市镇联合招引。",
    }
    rows = [
        ("441900401", 2024, "生物医药、新材料", True, True, True),
        ("441900119", 2025, "智能终端、精密制造", True, True, True),
        ("441900116", 2025, "智能装备", True, True, False),
        ("441900121", 2025, "新能源", True, False, False),
    ]
    for code, year, industries, strong, complete, recognise in rows:
        if m.TownSelection.objects.filter(division__code=code, year=year).exists():
            continue
        fields = (
            mechanism if complete else {"mechanism_rd_projects": mechanism["mechanism_rd_projects"]}
        )
        selection = services.register_entry_save(
            instance=m.TownSelection(
                division=_division(code),
                year=year,
                innovation_strong_town=strong,
                leading_industries=industries,
                support_role=f"科技创新支撑{industries}产业集群发展，重点企业研发投入持续增长。",
                industry_profile=f"{industries}产业特色鲜明，拥有完善的产业链配套和人才资源。",
                **fields,
            ),
            acting_user=staff,
        )
        if recognise:
            services.town_selection_decide(
                selection=selection,
                stage="recognised",
                note="符合遴选条件，予以认定",
                acting_user=staff,
            )


def _money_rule_inputs(ctx, staff) -> None:
    if not m.IndustrialisationAward.objects.exists():
        projects = list(m.MajorProject.objects.order_by("pk")[:5])
        for index, project in enumerate(projects):
            services.register_entry_save(
                instance=m.IndustrialisationAward(
                    project=project,
                    year=2024 if index < 3 else 2025,
                    performance="项目成果在镇街实现产业化，新增产值与税收显著。",
                    proposed_amount=Decimal([600, 300, 150, 450, 200][index]) * WAN,
                ),
                acting_user=staff,
            )
    if not m.LoanLossClaim.objects.exists():
        for bank, enterprise, loan, loss, year, rate in LOAN_LOSS_CLAIMS:
            services.register_entry_save(
                instance=m.LoanLossClaim(
                    bank=bank,
                    enterprise=enterprise,
                    loan_amount=Decimal(loan) * WAN,
                    loss_amount=Decimal(loss) * WAN,
                    year=year,
                    requested_rate=rate,
                ),
                acting_user=staff,
            )
    # Demonstration figures only (not statistics): the growth page needs a few years to show.
    for year, revenue in ((2023, 1_800_000), (2024, 2_010_000), (2025, 2_240_000)):
        if not m.ServiceRevenue.objects.filter(year=year).exists():
            services.register_entry_save(
                instance=m.ServiceRevenue(
                    year=year, revenue=Decimal(revenue) * WAN, source="演示数据"
                ),
                acting_user=staff,
            )


def seed(ctx) -> None:
    staff = ctx.users["center_chen"]
    achievements = _demo_achievements(ctx, staff)
    brokers = _brokers(ctx, staff)
    _contracts(ctx, staff, brokers, achievements)
    _venture(ctx, staff, achievements, _funds(ctx, staff))
    _intermediaries(ctx, staff, achievements)
    _poc_centers(ctx, staff, achievements)
    _events_and_candidates(ctx, staff, brokers)
    _programmes(ctx, staff)
    _commissioners(ctx, staff)
    _carriers(ctx, staff)
    _town_selections(ctx, staff)
    _money_rule_inputs(ctx, staff)
    if not m.RewardList.objects.filter(year=2024).exists():
        rewards = services.reward_list_compute(year=2024, acting_user=staff)
        services.reward_list_approve(reward_list=rewards, acting_user=ctx.users["admin"])
    if not m.RewardList.objects.filter(year=2025).exists():
        services.reward_list_compute(year=2025, acting_user=staff)
    ctx.say(
        f"转化生态：技术经纪人 {m.Broker.objects.count()}，技术合同 {m.TechContract.objects.count()}，"
        f"奖励清单 {m.RewardList.objects.count()}"
    )
