"""The evaluation part of `seed_demo`: a confirmed batch of last year, a batch awaiting
confirmation, a batch being scored, direct recommendations, fast-track reviews, valuations — and
then the service-library cases they produce (assignment, milestones, follow-ups).

Achievements come from the discovery library when it has enough; otherwise a few plausible ones
are added. Idempotent: once the first batch exists, nothing is created again.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from achievements.choices import AchievementStatus
from achievements.models import Achievement, EscalationSettings, IndustryLeader
from achievements.services.core import normalize_title
from kernel.money import WAN
from towns.choices import Role
from towns.models import Industry, Unit, User
from towns.services import user_create

from . import selectors, services
from .choices import Criterion, LandingForm, RecommenderKind, ThreeHave
from .models import Batch, BatchItem

# A one-page PDF: the demo's recommendation letters and valuation reports.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# title, kind, field, unit code, expected contribution (万元), TRL, holder, summary
DEMO_ACHIEVEMENTS = [
    (
        "高比能固态锂电池电解质膜",
        "project",
        "S05",
        "441900401",
        60000,
        6,
        "松山湖材料实验室",
        "硫化物电解质膜厚度20微米，室温离子电导率12mS/cm，可匹配高镍正极。",
    ),
    (
        "车规级碳化硅功率模块封装技术",
        "project",
        "S03",
        "dgut",
        25000,
        6,
        "东莞理工学院",
        "银烧结双面散热封装，热阻较传统焊接降低35%，满足AEC-Q101。",
    ),
    (
        "手术机器人力反馈主从控制系统",
        "enterprise",
        "S06",
        "kjj",
        18000,
        7,
        "广东省智能机器人研究院",
        "七自由度主手，力反馈精度0.1N，已完成动物实验。",
    ),
    (
        "工业视觉缺陷检测平台",
        "platform",
        "S07",
        "441900119",
        3000,
        8,
        "长安镇智能制造创新中心",
        "面向3C结构件的缺陷检测，漏检率低于0.05%，单线节拍0.8秒。",
    ),
    (
        "低空物流无人机长航时动力系统",
        "project",
        "S08",
        "gxj",
        12000,
        5,
        "东莞某航空科技团队",
        "氢电混合动力，载重10公斤续航120分钟。",
    ),
    (
        "可降解医用镁合金骨钉",
        "project",
        "S06",
        "slab",
        8000,
        5,
        "松山湖材料实验室",
        "降解周期12–18个月可调，力学性能满足骨折内固定要求。",
    ),
    (
        "钙钛矿叠层光伏组件中试工艺",
        "project",
        "S05",
        "441900401",
        45000,
        6,
        "松山湖材料实验室",
        "叠层电池效率31.2%，中试线良率90%。",
    ),
    (
        "精密注塑模具随形冷却设计软件",
        "project",
        "T08",
        "441900119",
        1500,
        8,
        "长安镇模具协会联合实验室",
        "冷却时间缩短30%，已在12家模具企业试用。",
    ),
    (
        "6G太赫兹通信射频前端芯片",
        "project",
        "F01",
        "dgut",
        30000,
        4,
        "东莞理工学院",
        "工作频段220GHz，输出功率较同类提升3dB。",
    ),
    (
        "纺织印染废水零排放处理技术",
        "project",
        "T01",
        "gxj",
        2000,
        7,
        "东莞某环保科技团队",
        "膜浓缩与蒸发结晶组合，回用率95%以上。",
    ),
    (
        "具身智能双臂协作机器人",
        "enterprise",
        "F03",
        "kjj",
        50000,
        5,
        "广东省智能机器人研究院",
        "双臂14自由度，视觉-语言-动作大模型驱动，可完成柔性装配。",
    ),
    (
        "高导热氮化铝陶瓷基板",
        "project",
        "S04",
        "slab",
        9000,
        6,
        "松山湖材料实验室",
        "热导率200W/(m·K)，用于功率器件与激光器封装。",
    ),
    (
        "中子散射谱仪探测器读出电子学",
        "project",
        "S01",
        "kjj",
        2500,
        6,
        "中国散裂中子源",
        "128通道集成读出，时间分辨率优于1纳秒。",
    ),
    (
        "食品冷链全程温控溯源系统",
        "platform",
        "T02",
        "441900119",
        800,
        8,
        "长安镇食品行业协会",
        "覆盖冷库、冷藏车和门店，温度异常5分钟内告警。",
    ),
    (
        "动力电池包智能拆解产线",
        "project",
        "S09",
        "gxj",
        15000,
        6,
        "东莞理工学院",
        "视觉定位与柔性夹具，单包拆解时间缩短至8分钟。",
    ),
    (
        "柔性OLED显示驱动芯片",
        "project",
        "S03",
        "441900401",
        22000,
        5,
        "松山湖某集成电路设计团队",
        "支持120Hz LTPO，功耗降低20%。",
    ),
    (
        "家具行业数字化柔性生产系统",
        "platform",
        "T04",
        "441900119",
        1200,
        8,
        "长安镇智能制造创新中心",
        "板式家具订单排产与开料优化，材料利用率提升6%。",
    ),
    (
        "医用级可吸收缝合线制备技术",
        "project",
        "S06",
        "dgut",
        3500,
        6,
        "东莞理工学院",
        "抗张强度保持率14天大于70%，已完成型式检验。",
    ),
    (
        "大尺寸碳化硅单晶生长炉",
        "enterprise",
        "S03",
        "slab",
        35000,
        6,
        "松山湖材料实验室",
        "8英寸晶体生长，微管密度低于0.1个/cm²。",
    ),
    (
        "智能网联汽车毫米波雷达",
        "project",
        "S01",
        "gxj",
        6000,
        7,
        "东莞某汽车电子团队",
        "4D成像雷达，角分辨率1度，已完成车规认证准备。",
    ),
    (
        "玩具安全智能检测平台",
        "platform",
        "T03",
        "441900119",
        600,
        8,
        "东莞市质量检测机构",
        "小零件、可触及锐边等项目自动检测，检测效率提升3倍。",
    ),
    (
        "高性能聚酰亚胺薄膜",
        "project",
        "S04",
        "dgut",
        11000,
        6,
        "东莞理工学院",
        "拉伸强度大于300MPa，用于柔性电路基材。",
    ),
    (
        "氢燃料电池膜电极批量制备",
        "project",
        "S05",
        "kjj",
        20000,
        5,
        "东莞某氢能科技团队",
        "铂载量0.3mg/cm²，功率密度1.2W/cm²。",
    ),
    (
        "面向中小企业的工业互联网平台",
        "platform",
        "S01",
        "gxj",
        2500,
        8,
        "东莞市工业互联网创新中心",
        "设备联网与能耗管理，已接入设备5000台。",
    ),
    (
        "AI辅助药物晶型预测",
        "project",
        "F04",
        "kjj",
        4000,
        4,
        "东莞某生物医药研究院",
        "结合分子动力学与深度学习，晶型预测准确率85%。",
    ),
    (
        "包装印刷VOCs低温催化治理",
        "project",
        "T06",
        "441900119",
        900,
        7,
        "长安镇环保技术服务中心",
        "150°C起燃，VOCs去除率大于95%。",
    ),
    (
        "微型超声电机及驱动控制",
        "project",
        "S02",
        "dgut",
        5000,
        6,
        "东莞理工学院",
        "直径6毫米，定位精度0.1微米，用于相机模组。",
    ),
    (
        "高端数控机床热误差补偿系统",
        "project",
        "S02",
        "gxj",
        7000,
        7,
        "东莞某机床研究所",
        "热误差补偿后定位精度提高60%。",
    ),
    (
        "海水淡化石墨烯复合膜",
        "project",
        "F02",
        "slab",
        16000,
        4,
        "松山湖材料实验室",
        "通量较商用反渗透膜提高2倍，脱盐率99.5%。",
    ),
    (
        "智慧路灯低空通信基站一体化杆",
        "project",
        "S08",
        "441900119",
        1800,
        7,
        "长安镇智慧城市研究中心",
        "集成5G微站与无人机起降信标。",
    ),
    (
        "骨科植入物3D打印个性化定制",
        "enterprise",
        "S06",
        "441900401",
        9500,
        7,
        "松山湖某医疗器械团队",
        "钛合金多孔结构，已获二类医疗器械注册证。",
    ),
    (
        "锂电池极片干法电极工艺",
        "project",
        "S05",
        "dgut",
        28000,
        5,
        "东莞理工学院",
        "无溶剂工艺，能耗降低40%，压实密度3.5g/cm³。",
    ),
    (
        "化工园区危化品泄漏智能预警",
        "platform",
        "T07",
        "gxj",
        1300,
        8,
        "东莞市安全生产技术中心",
        "多气体传感阵列与扩散模型，预警时间提前10分钟。",
    ),
    (
        "造纸黑液木质素高值化利用",
        "project",
        "T05",
        "441900119",
        2200,
        6,
        "东莞某造纸企业技术中心",
        "木质素提取率80%，用于分散剂与碳材料。",
    ),
    (
        "边缘AI推理加速卡",
        "enterprise",
        "S07",
        "441900401",
        14000,
        7,
        "松山湖某人工智能团队",
        "INT8算力64TOPS，功耗25W。",
    ),
    (
        "新能源汽车电机扁线绕组自动化装备",
        "project",
        "S02",
        "gxj",
        8500,
        7,
        "东莞某装备企业",
        "发卡成型与焊接一体化，节拍20秒。",
    ),
]

CONFIRMED_BATCH = "{year}年第二批常规入库评价"
PROPOSED_BATCH = "{year}年重点产业领域专项评价"
SCORING_BATCH = "{year}年第一批常规入库评价"

COMMENTS = {
    "high": [
        "技术指标国内领先，知识产权布局完整，团队有明确的在莞落地意向，建议入库重点服务。",
        "已完成中试验证，下游客户需求明确，两年内可形成规模产值。",
    ],
    "mid": [
        "技术先进性较好，但产业化路径尚需细化，建议补充市场与投资测算。",
        "创新价值明确，量产工艺和成本控制仍有不确定性。",
    ],
    "low": [
        "技术成熟度偏低，两年内难以形成经济贡献，建议继续在发现库跟踪。",
        "市场需求论证不足，与东莞产业基础结合度不高。",
    ],
}


def seed(ctx) -> None:
    today = timezone.localdate()
    year = today.year
    _city_leader(ctx)
    if Batch.objects.filter(name=CONFIRMED_BATCH.format(year=year - 1), year=year - 1).exists():
        return
    staff, staff_b = ctx.users["center_chen"], ctx.users["center_lin"]
    experts = [ctx.users[name] for name in ("expert_zhou", "expert_xu", "expert_he")]
    pool = _submitted_pool(ctx, needed=36)

    # Last year's batch, scored by three experts with weighted sub-items, confirmed.
    confirmed = _batch(ctx, CONFIRMED_BATCH.format(year=year - 1), year - 1, experts, "75")
    _weighted_sub_items(confirmed, staff)
    chosen = pool[:14]
    services.batch_add_achievements(batch=confirmed, achievements=chosen, acting_user=staff)
    for item in confirmed.items.select_related("achievement"):
        _score_all(ctx, item, experts)
    _select(confirmed, staff)
    decisions = {
        item.pk: (
            item.proposed,
            "" if item.proposed else selectors.default_reason(item, confirmed.threshold),
        )
        for item in confirmed.items.all()
    }
    services.batch_confirm(batch=confirmed, acting_user=staff, decisions=decisions)
    entered = timezone.now() - timedelta(days=210)
    Achievement.objects.filter(
        evaluation_items__batch=confirmed, evaluation_items__decision="selected"
    ).update(service_entered_at=entered)

    # This year's special batch: scored, the proposal waits for staff to confirm.
    proposed = _batch(ctx, PROPOSED_BATCH.format(year=year), year, experts[:2], "78")
    services.batch_add_achievements(batch=proposed, achievements=pool[14:20], acting_user=staff)
    for item in proposed.items.select_related("achievement"):
        _score_all(ctx, item, experts[:2])
    _select(proposed, staff)

    # This year's regular batch: being scored (徐 has finished, 周 is half-way, 何 has not begun).
    scoring = _batch(ctx, SCORING_BATCH.format(year=year), year, experts, "75")
    services.batch_add_achievements(batch=scoring, achievements=pool[20:30], acting_user=staff_b)
    for n, item in enumerate(scoring.items.select_related("achievement").order_by("pk")):
        _score_all(ctx, item, [experts[1]] + ([experts[0]] if n % 2 == 0 else []))

    # Direct recommendations, a few months ago.
    recommenders = [
        (RecommenderKind.RESEARCH_INSTITUTE, "松山湖材料实验室"),
        (RecommenderKind.CHAIN_LEADER, "东莞华科精密电子有限公司（链主企业）"),
        (RecommenderKind.RESEARCH_INSTITUTE, "广东省智能机器人研究院"),
    ]
    for achievement, (kind, name) in zip(pool[30:33], recommenders, strict=False):
        services.recommendation_create(
            achievement=achievement,
            recommender_kind=kind,
            recommender_name=name,
            letter=ContentFile(DEMO_PDF, name="推荐函.pdf"),
            letter_date=today - timedelta(days=125),
            reason=f"{name}认为该成果与东莞产业链高度契合，愿提供应用场景并参与联合攻关。",
            acting_user=staff,
        )
        Achievement.objects.filter(pk=achievement.pk).update(
            service_entered_at=timezone.now() - timedelta(days=120)
        )

    in_service = list(
        Achievement.objects.filter(status=AchievementStatus.SERVICE).order_by(
            F("expected_contribution").desc(nulls_last=True), "pk"
        )
    )
    _reviews(ctx, staff, staff_b, in_service, pool, today)
    _valuations(ctx, staff, in_service, pool, today)
    ctx.say(
        f"成果评价：3 个评价批次、{len(recommenders)} 项重点推荐、快速落地评价与公允价值评价已生成。"
    )


def _city_leader(ctx) -> None:
    """A city leader in charge of the strategic industries, for the ≥ 5亿元 escalations."""
    user = User.objects.filter(username="leader_city").first()
    if user is None:
        user = user_create(
            username="leader_city",
            password=_demo_password(),
            role=Role.LEADER,
            name="罗建明",
            email="leader_city@demo.dgkjcg.local",
            title="分管副市长",
        )
        for code in ("S03", "S04", "S05", "S06", "S07", "F03"):
            IndustryLeader.objects.get_or_create(
                industry=Industry.objects.get(code=code), leader=user
            )
    # The other industries' ≥ 5亿元 cases reach a city leader too: the admin-set default.
    EscalationSettings.objects.get_or_create(defaults={"default_city_leader": user})
    ctx.users["leader_city"] = user
    ctx.logins.append(("leader_city", user.name, "领导（分管副市长）"))


def _demo_password() -> str:
    from towns.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def _submitted_pool(ctx, *, needed: int) -> list[Achievement]:
    """Discovery-library achievements for the demo, topped up with plausible ones if too few."""
    existing = list(
        Achievement.objects.filter(status=AchievementStatus.SUBMITTED).order_by(
            F("expected_contribution").desc(nulls_last=True), "pk"
        )[: needed * 3]
    )
    if len(existing) >= needed:
        # The largest three first (so the escalation tiers show), the rest drawn at random.
        head, rest = existing[:3], existing[3:]
        return head + ctx.rng.sample(rest, needed - 3)
    units = {unit.code: unit for unit in Unit.objects.all()}
    fields = {industry.code: industry for industry in Industry.objects.all()}
    liaisons = {
        user.unit_id: user
        for user in ctx.users.values()
        if user.role == Role.LIAISON and user.unit_id
    }
    created = []
    now = timezone.now()
    for title, kind, field, unit_code, wan, trl, holder, summary in DEMO_ACHIEVEMENTS[
        : needed - len(existing)
    ]:
        unit = units[unit_code]
        liaison = liaisons.get(unit.pk)
        submitted_at = now - timedelta(days=ctx.rng.randint(240, 400))
        achievement, _ = Achievement.objects.get_or_create(
            title=title,
            discovering_unit=unit,
            defaults={
                "title_normalized": normalize_title(title),
                "summary": summary,
                "kind": kind,
                "field": fields[field],
                "trl": trl,
                "holder": holder,
                "contact_name": "项目负责人",
                "contact_phone": "0769-2288" + f"{ctx.rng.randint(1000, 9999)}",
                "expected_contribution": Decimal(wan) * WAN,
                "liaison": liaison,
                "discovered_on": submitted_at.date(),
                "submitted_at": submitted_at,
                "status": AchievementStatus.SUBMITTED,
                "created_by": liaison or ctx.users["center_chen"],
            },
        )
        created.append(achievement)
    return existing + created


def _batch(ctx, name, year, experts, threshold) -> Batch:
    return services.batch_create(
        year=year,
        name=name,
        institution="广东省科技评估中心",
        threshold=Decimal(threshold),
        evaluators=experts,
        acting_user=ctx.users["center_chen"],
        note="按《东莞市加快科技成果产业化三年行动计划》开展常规入库评价。",
    )


def _weighted_sub_items(batch: Batch, staff) -> None:
    services.batch_set_criteria(
        batch=batch,
        acting_user=staff,
        weights={
            Criterion.TECH_CONTENT: Decimal(40),
            Criterion.ECONOMIC_BENEFIT: Decimal(30),
            Criterion.CONVERSION_EFFICIENCY: Decimal(30),
        },
        items={
            Criterion.TECH_CONTENT: [
                ("技术先进性", Decimal(40)),
                ("创新程度", Decimal(30)),
                ("知识产权", Decimal(30)),
            ],
            Criterion.ECONOMIC_BENEFIT: [("市场前景", Decimal(50)), ("预期收益", Decimal(50))],
            Criterion.CONVERSION_EFFICIENCY: [
                ("技术成熟度", Decimal(50)),
                ("团队与转化条件", Decimal(50)),
            ],
        },
    )


def _score_all(ctx, item: BatchItem, experts) -> None:
    rng = ctx.rng
    quality = rng.uniform(60, 94)
    criteria = list(item.batch.criteria.prefetch_related("items"))
    for expert in experts:
        personal = quality + rng.uniform(-5, 5)
        values = {
            scoring_item.pk: Decimal(
                str(round(max(0, min(100, personal + rng.uniform(-6, 6))) * 2) / 2)
            )
            for criterion in criteria
            for scoring_item in criterion.items.all()
        }
        haves = [
            code
            for code, bar in (
                (ThreeHave.MARKET_DEMAND, 62),
                (ThreeHave.INNOVATION_VALUE, 60),
                (ThreeHave.ECONOMIC_CONTRIBUTION, 70),
            )
            if personal + rng.uniform(-4, 4) >= bar
        ]
        level = "high" if personal >= 80 else "mid" if personal >= 68 else "low"
        services.score_submit(
            item=item,
            acting_user=expert,
            values=values,
            haves=haves,
            comment=rng.choice(COMMENTS[level]),
        )


def _select(batch: Batch, staff) -> None:
    """The task runs after the commit; the demo computes the same result in place."""
    services.batch_request_selection(batch=batch, acting_user=staff)
    services.batch_compute_selection(batch=batch)


def _reviews(ctx, staff, staff_b, in_service, pool, today) -> None:
    candidates = in_service[:6] + list(pool[33:])
    plans = [(9, staff), (6, staff_b), (1, staff), (20, staff_b)]
    for (days_ago, reviewer), achievement in zip(plans, candidates[2:6], strict=False):
        review = services.fast_track_review_open(
            achievement=achievement,
            reviewer=reviewer,
            acting_user=staff,
            opened_on=today - timedelta(days=days_ago),
            request_note="意向落地松山湖，请一周内提出配套政策、载体和落地形式的量化建议。",
        )
        if days_ago == 20:
            services.fast_track_review_complete(
                review=review,
                acting_user=reviewer,
                policy_suggestion="适用市重大科技成果产业化项目资助，建议按设备投入的30%给予支持；团队可申报市创新创业领军人才。",
                policy_support_amount=Decimal(3_000_000),
                carrier_suggestion="松山湖生物医药产业基地B区标准厂房二层，首年租金减半，第二、三年按七折计。",
                carrier_name="松山湖生物医药产业基地",
                carrier_area=Decimal(1500),
                landing_form=LandingForm.NEW_COMPANY,
                form_suggestion="团队以核心专利作价入股新设公司（占股40%），引入本地链主企业现金出资2000万元，6个月内完成中试线建设。",
                expected_investment=Decimal(50_000_000),
                expected_months=6,
            )


def _valuations(ctx, staff, in_service, pool, today) -> None:
    candidates = in_service[6:9] or list(pool[:3])
    for index, achievement in enumerate(candidates[:3]):
        valuation = services.valuation_request(
            achievement=achievement,
            agency=(
                "广东中联资产评估有限公司",
                "深圳市鹏信资产评估土地房地产估价有限公司",
                "东莞市德正资产评估事务所",
            )[index],
            requested_on=today - timedelta(days=40 - index * 12),
            acting_user=staff,
            request_note="拟以技术许可方式与东莞企业合作，需评估许可费基准。",
        )
        if index == 0:
            services.valuation_start(valuation=valuation, acting_user=staff)
            services.valuation_complete(
                valuation=valuation,
                acting_user=staff,
                report=ContentFile(DEMO_PDF, name="评估报告.pdf"),
                value=Decimal(36_500_000),
                valued_on=today - timedelta(days=10),
            )
        elif index == 1:
            services.valuation_start(valuation=valuation, acting_user=staff)
