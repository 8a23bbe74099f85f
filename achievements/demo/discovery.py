"""Demo data of the discovery library: about 640 achievements across units, fields, kinds and
statuses, in plausible Chinese, with send-backs, correction requests and merged duplicates.

Deterministic (its own seeded generator, so other apps' demo data cannot shift it) and
idempotent: a record whose unit and title already exist is not created again.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from random import Random

from django.db import transaction
from django.utils import timezone

from towns.choices import Role, UnitKind
from towns.models import Division, Industry, Unit, User

from ..choices import (
    AchievementKind,
    AchievementStatus,
    CooperationMode,
    CorrectionOutcome,
    FeedbackReason,
    IpType,
    ServiceRoute,
    SourceChannel,
)
from ..models import Achievement
from ..services.core import achievement_enter_service_library, normalize_title
from ..services.discovery import (
    achievement_correction_request,
    achievement_correction_resolve,
    achievement_create,
    achievement_merge,
    achievement_send_back,
    achievement_submit,
    achievement_update,
    achievement_withdraw,
    achievements_import_rows,
)

TOTAL = 640
SEED = "achievements.discovery.demo.v1"

# What each field's achievements are about: (subject, what it improves on).
SUBJECTS = {
    "T01": [
        ("无水染色", "传统水浴染色"),
        ("功能性智能纺织面料", "普通化纤面料"),
        ("服装柔性自动缝制", "人工缝制线"),
        ("再生涤纶纤维", "原生涤纶"),
        ("针织面料数码印花", "圆网印花"),
    ],
    "T02": [
        ("益生菌微胶囊包埋", "常规冻干工艺"),
        ("低糖饮料风味调控", "传统配方"),
        ("食品非热杀菌", "巴氏杀菌"),
        ("植物基蛋白重组", "动物蛋白"),
        ("预制菜锁鲜包装", "普通真空包装"),
    ],
    "T03": [
        ("智能互动玩具语音交互", "按键式玩具"),
        ("环保可降解玩具材料", "ABS 塑料"),
        ("潮玩柔性自动喷涂", "人工喷涂"),
        ("编程教育机器人套件", "传统积木"),
    ],
    "T04": [
        ("家具板材无醛胶黏剂", "脲醛胶"),
        ("定制家具智能排产", "人工排产"),
        ("实木家具数控雕刻", "手工雕刻"),
        ("智能电动升降桌控制系统", "机械升降"),
    ],
    "T05": [
        ("废纸高值化再生", "传统脱墨工艺"),
        ("纸基食品包装阻隔涂层", "淋膜纸"),
        ("特种过滤纸", "进口滤纸"),
        ("纸浆模塑餐具", "一次性塑料餐具"),
    ],
    "T06": [
        ("绿色柔版印刷油墨", "溶剂型油墨"),
        ("包装印刷在线缺陷检测", "人工抽检"),
        ("可变数据防伪印刷", "普通防伪标签"),
        ("瓦楞纸箱智能排版", "人工排版"),
    ],
    "T07": [
        ("电子级高纯湿化学品", "工业级产品"),
        ("水性聚氨酯树脂", "溶剂型树脂"),
        ("废催化剂贵金属回收", "火法回收"),
        ("光刻胶配套试剂", "进口试剂"),
        ("生物基可降解塑料", "石油基塑料"),
    ],
    "T08": [
        ("精密注塑模具随形冷却", "常规直孔冷却"),
        ("模具钢表面激光熔覆强化", "常规淬火"),
        ("模具数字化设计与仿真", "试模修模"),
        ("多腔热流道系统", "冷流道"),
        ("汽车覆盖件冲压模具", "进口模具"),
    ],
    "S01": [
        ("Mini LED 背光模组", "侧入式背光"),
        ("柔性电路板高密度互连", "常规多层板"),
        ("毫米波雷达模组", "超声波传感器"),
        ("高速光模块", "传统电模块"),
        ("智能穿戴低功耗蓝牙芯片模组", "传统模组"),
        ("车载激光雷达", "机械旋转式雷达"),
    ],
    "S02": [
        ("五轴联动数控机床", "三轴加工中心"),
        ("高精度谐波减速器", "进口同类产品"),
        ("锂电池极片激光模切装备", "五金模切"),
        ("工业机器人视觉引导", "示教编程"),
        ("精密伺服电机", "进口伺服"),
        ("半导体晶圆搬运机器人", "进口设备"),
    ],
    "S03": [
        ("碳化硅功率器件", "硅基 IGBT"),
        ("氮化镓射频芯片", "砷化镓器件"),
        ("晶圆级扇出封装", "传统引线键合"),
        ("高精度模数转换芯片", "进口芯片"),
        ("车规级 MCU 芯片", "进口 MCU"),
        ("光刻掩模版缺陷修复", "进口设备"),
    ],
    "S04": [
        ("高导热氮化铝陶瓷基板", "氧化铝基板"),
        ("石墨烯导热膜", "人工石墨膜"),
        ("高性能钕铁硼永磁", "常规烧结工艺"),
        ("超薄柔性玻璃", "常规盖板玻璃"),
        ("碳纤维复合材料", "铝合金结构件"),
        ("高纯溅射靶材", "进口靶材"),
    ],
    "S05": [
        ("硫化物固态电解质", "液态电解液"),
        ("钠离子电池正极材料", "磷酸铁锂"),
        ("钙钛矿叠层太阳电池", "晶硅电池"),
        ("氢燃料电池膜电极", "进口膜电极"),
        ("储能电池热管理", "风冷方案"),
        ("硅碳负极材料", "石墨负极"),
    ],
    "S06": [
        ("肿瘤早筛多组学检测试剂盒", "单一标志物检测"),
        ("可降解镁合金心血管支架", "金属药物支架"),
        ("手术机器人力反馈", "传统腹腔镜"),
        ("mRNA 疫苗递送系统", "病毒载体"),
        ("便携式超声诊断仪", "台式超声"),
        ("中药经典名方二次开发", "传统汤剂"),
    ],
    "S07": [
        ("工业质检视觉大模型", "传统规则算法"),
        ("多模态智能客服", "关键词检索客服"),
        ("边缘端 AI 推理芯片", "通用 GPU 方案"),
        ("制造业知识图谱", "人工经验库"),
        ("智能语音会议转写", "人工记录"),
    ],
    "S08": [
        ("物流无人机长航时动力", "多旋翼锂电方案"),
        ("低空飞行器智能调度", "人工调度"),
        ("电动垂直起降飞行器旋翼", "传统直升机旋翼"),
        ("无人机巡检三维建模", "人工巡检"),
    ],
    "S09": [
        ("数据中心液冷散热", "风冷散热"),
        ("工业余热梯级利用", "直接排放"),
        ("建筑光伏一体化幕墙", "普通玻璃幕墙"),
        ("高效永磁电机节能改造", "异步电机"),
        ("污泥低温干化", "热干化"),
    ],
    "F01": [
        ("6G 太赫兹通信前端", "毫米波方案"),
        ("智能超表面无线覆盖", "传统中继"),
        ("星地融合通信终端", "地面基站"),
    ],
    "F02": [
        ("高熵合金增材制造", "传统铸造合金"),
        ("超材料隔声结构", "多孔吸声材料"),
        ("液态金属柔性电路", "刚性导线"),
    ],
    "F03": [
        ("人形机器人灵巧手", "二指夹爪"),
        ("具身智能运动控制", "预编程控制"),
        ("机器人电子皮肤触觉传感", "刚性力传感器"),
    ],
    "F04": [
        ("单细胞测序数据分析平台", "批量测序"),
        ("脑机接口柔性电极", "刚性电极"),
        ("类器官药物筛选", "动物实验"),
    ],
    "X01": [
        ("城市内涝智能预警", "人工巡查"),
        ("农产品冷链溯源", "纸质台账"),
        ("智慧工地安全监测", "人工巡检"),
    ],
}
# Software-like fields have other figures of merit than materials and machines.
SOFTWARE_FIELDS = {"S07", "F04", "X01", "T04", "T06"}
INDUSTRY_WORDS = {
    "T": "实业",
    "S01": "电子",
    "S02": "智能装备",
    "S03": "微电子",
    "S04": "新材料",
    "S05": "新能源",
    "S06": "生物医药",
    "S07": "智能",
    "S08": "航空",
    "S09": "节能",
    "F": "前沿",
    "X": "信息",
}
BRANDS = [
    "晶研",
    "智擎",
    "粤芯",
    "绿能",
    "鼎泰",
    "华拓",
    "创元",
    "博瑞",
    "汇智",
    "松湖",
    "莞芯",
    "拓普",
    "恒源",
    "科立",
]
QUALIFIERS = ["", "", "", "", "", "高可靠", "低成本", "新一代", "高效率"]
SOFTWARE_SUFFIXES = ["系统", "平台研发与应用", "关键技术", "行业解决方案"]
PROJECT_SUFFIXES = [
    "关键技术",
    "制备技术及产业化",
    "研发与应用",
    "工艺及装备",
    "技术开发",
    "国产化替代项目",
]
PLATFORM_SUFFIXES = ["中试验证平台", "公共技术服务平台", "概念验证中心", "联合创新实验室"]
ENTERPRISE_SUFFIXES = ["产业化企业落户项目", "研发生产基地项目", "创业团队落地项目"]
METRICS = [
    "关键性能指标提升{pct}%",
    "生产成本降低{pct}%",
    "良品率提高至{yield_}%",
    "能耗下降{pct}%",
    "使用寿命延长{pct}%",
]
SOFTWARE_METRICS = [
    "识别准确率达到{yield_}%",
    "处理效率提升{times}倍",
    "人工成本降低{pct}%",
]
UNIVERSITIES = [
    "华南理工大学",
    "中山大学",
    "香港科技大学",
    "广东工业大学",
    "清华大学深圳国际研究生院",
    "哈尔滨工业大学（深圳）",
    "南方科技大学",
    "暨南大学",
    "北京理工大学",
    "中南大学",
]
TEAM_LEADS = ["陈", "林", "黄", "张", "李", "王", "刘", "吴", "郑", "何", "周", "罗", "梁", "谢"]
# Given names of the teams' contacts, none of which makes the name of a portal user, broker or
# award winner of the demo (one person, one role).
GIVEN = [
    "志坚",
    "晓东",
    "建新",
    "丽华",
    "海峰",
    "静雯",
    "振宇",
    "佳琪",
    "伟强",
    "雨萱",
    "子豪",
    "俊杰",
]
# How many achievements each unit registers (the rest are spread over the other units).
UNIT_SHARE = {
    "kjj": 150,
    "441900401": 70,
    "dgut": 60,
    "slab": 36,
    "gxj": 30,
    "fgj": 26,
    "441900119": 24,
    "gbu": 18,
    "csns": 12,
    "dongshi": 12,
    "kejin": 10,
    "tcj": 10,
    "rsj": 8,
}
# (share of records, status) for records registered in the browser; the rest are imported.
WORKFLOW = [
    (0.07, AchievementStatus.DRAFT),
    (0.04, AchievementStatus.RETURNED),
    (0.02, AchievementStatus.WITHDRAWN),
    (0.10, AchievementStatus.SERVICE),
]
DUPLICATE_PAIRS = 10  # the same achievement registered by a university and a town or bureau
MERGED_PAIRS = 5


# What the summary says of the stage reached, by TRL_STAGES (实验室 1–3, 小试 4–5, 中试 6–7, 量产 8–9).
STAGE_SENTENCES = {
    "lab": "完成实验室验证",
    "bench": "完成小试",
    "pilot": "完成中试",
    "production": "实现量产",
}
# A title that names a stage bounds the TRL: a 中试验证平台 is at 中试, an 产业化 project is near
# 量产, a 概念验证中心 before 中试.
TITLE_TRL = [
    ("中试", (6, 7)),
    ("产业化", (7, 9)),
    ("生产基地", (7, 9)),
    ("国产化替代", (6, 9)),
    ("概念验证", (3, 5)),
    ("实验室", (2, 5)),
    ("创业团队", (4, 7)),
]


def _trl_range(title: str) -> tuple[int, int]:
    for word, levels in TITLE_TRL:
        if word in title:
            return levels
    return 1, 9


def trl_stage_key(trl: int) -> str:
    return "lab" if trl <= 3 else "bench" if trl <= 5 else "pilot" if trl <= 7 else "production"


def _holder_for(unit: Unit, code: str, rng: Random) -> str:
    if unit.kind in (UnitKind.UNIVERSITY, UnitKind.LAB, UnitKind.FACILITY, UnitKind.RND_INSTITUTE):
        return unit.name
    if rng.random() < 0.5:
        return rng.choice(UNIVERSITIES)
    word = INDUSTRY_WORDS.get(code) or INDUSTRY_WORDS[code[0]]
    return f"东莞{rng.choice(BRANDS)}{word}科技有限公司"


def _spec(rng: Random, unit: Unit, fields: dict[str, Industry], divisions: list[Division]):
    code = rng.choice(list(SUBJECTS))
    subject, baseline = rng.choice(SUBJECTS[code])
    kind = rng.choices(
        [AchievementKind.PROJECT, AchievementKind.PLATFORM, AchievementKind.ENTERPRISE],
        weights=[70, 15, 15],
    )[0]
    suffixes = {
        AchievementKind.PROJECT: PROJECT_SUFFIXES,
        AchievementKind.PLATFORM: PLATFORM_SUFFIXES,
        AchievementKind.ENTERPRISE: ENTERPRISE_SUFFIXES,
    }[kind]
    if code in SOFTWARE_FIELDS and kind == AchievementKind.PROJECT:
        suffixes = SOFTWARE_SUFFIXES
    title = f"{rng.choice(QUALIFIERS)}{subject}{rng.choice(suffixes)}"
    holder = _holder_for(unit, code, rng)
    drawn = rng.choices(range(1, 10), weights=[2, 4, 8, 12, 14, 16, 14, 8, 4])[0]
    low, high = _trl_range(title)
    trl = min(max(drawn, low), high)
    metrics = SOFTWARE_METRICS if code in SOFTWARE_FIELDS else METRICS
    metric = rng.choice(metrics).format(
        pct=rng.randint(15, 60), yield_=rng.randint(95, 99), times=rng.randint(2, 8)
    )
    patents = rng.randint(0, 18)
    lead = rng.choice(TEAM_LEADS)
    modes = rng.sample(list(CooperationMode.values[:4]), k=rng.randint(1, 2))
    mode_labels = "、".join(str(CooperationMode(m).label) for m in modes)
    stage = STAGE_SENTENCES[trl_stage_key(trl)]
    summary = (
        f"{holder}团队研发的{subject}技术，与{baseline}相比{metric}，目前已{stage}。"
        f"拥有发明专利{patents}项，拟以{mode_labels}方式在东莞转化。"
        if patents
        else f"{holder}团队研发的{subject}技术，与{baseline}相比{metric}，目前已{stage}。"
        f"拟以{mode_labels}方式在东莞转化。"
    )
    contribution = (
        Decimal(rng.choice([300, 500, 800, 1200, 2000, 3000, 5000, 8000, 12000, 20000, 60000]))
        * 10000
    )
    ip_types = rng.sample(
        [
            IpType.INVENTION_PATENT,
            IpType.UTILITY_MODEL,
            IpType.SOFTWARE_COPYRIGHT,
            IpType.TRADE_SECRET,
        ],
        k=rng.randint(0, 2),
    )
    today = timezone.localdate()
    discovered = today - timedelta(days=rng.randint(0, 3 * 365 - 60))
    discovered = max(discovered, date(2024, 1, 2))
    return {
        "title": title,
        "summary": summary,
        "kind": kind,
        "field": fields[code],
        "trl": trl,
        "ip_types": [str(t) for t in ip_types] if patents else [],
        "ip_count": patents,
        "ip_numbers": "",
        "holder": holder,
        "team": f"{lead}{rng.choice(GIVEN)}教授领衔，核心成员{rng.randint(4, 20)}人。",
        "contact_name": f"{lead}{rng.choice(GIVEN)}",
        "contact_phone": f"13{rng.randint(5, 9)}{rng.randint(10000000, 99999999)}",
        "contact_email": f"contact{rng.randint(100, 999)}@example.cn",
        "expected_contribution": contribution,
        "funding_need": Decimal(rng.choice([0, 200, 500, 1000, 3000])) * 10000 or None,
        "cooperation_modes": [str(m) for m in modes],
        "source_channel": rng.choice(list(SourceChannel.values)),
        "landing_division": rng.choice(divisions) if rng.random() < 0.7 else None,
        "discovered_on": discovered,
        "is_public": rng.random() < 0.4,
        "notes": "",
    }


def _registrar(unit: Unit, liaisons: dict[int, User], staff: User) -> User:
    return liaisons.get(unit.pk, staff)


def _fresh_spec(rng: Random, unit: Unit, fields, divisions, taken: set[str]) -> dict:
    """A spec whose title no other generated spec has (a phase is added if all else fails)."""
    for _attempt in range(30):
        spec = _spec(rng, unit, fields, divisions)
        if normalize_title(spec["title"]) not in taken:
            break
    phase = 2
    base = spec["title"]
    while normalize_title(spec["title"]) in taken:
        spec["title"] = f"{base}（{phase}期）"
        phase += 1
    taken.add(normalize_title(spec["title"]))
    return spec


def _backdate(achievement: Achievement) -> None:
    """Demo records look registered around their discovery date (display only)."""
    when = timezone.make_aware(datetime.combine(achievement.discovered_on, time(10, 0)))
    changes = {"created_at": when}
    if achievement.submitted_at:
        changes["submitted_at"] = when + timedelta(hours=2)
    Achievement.objects.filter(pk=achievement.pk).update(**changes)


@transaction.atomic
def seed(ctx) -> None:
    rng = Random(SEED)
    units = {u.code: u for u in Unit.objects.filter(is_active=True)}
    fields = {i.code: i for i in Industry.objects.all()}
    divisions = list(Division.objects.all())
    staff = ctx.users.get("center_lin") or User.objects.filter(role=Role.CENTER_STAFF).first()
    reviewer = ctx.users.get("center_chen") or staff
    if staff is None or not fields:
        return
    liaisons = {
        u.unit_id: u for u in User.objects.filter(role=Role.LIAISON).order_by("-pk") if u.unit_id
    }

    # Every unit with a discovery target registers something; the big ones most.
    plan: list[Unit] = []
    for code, count in UNIT_SHARE.items():
        plan += [units[code]] * count
    others = [u for u in units.values() if u.code not in UNIT_SHARE and u.default_discovery_target]
    while len(plan) < TOTAL - 2 * DUPLICATE_PAIRS:
        plan.append(others[len(plan) % len(others)])

    existing = set(Achievement.objects.values_list("discovering_unit_id", "title_normalized"))
    taken: set[str] = set()
    specs = []
    for unit in plan:
        specs.append((unit, _fresh_spec(rng, unit, fields, divisions, taken)))
    # The commonest data error: a university and a town both register the same achievement.
    universities = [units[c] for c in ("dgut", "gbu", "slab") if c in units]
    towns = [units[c] for c in ("441900401", "441900119", "kjj") if c in units]
    duplicates = []
    for index in range(DUPLICATE_PAIRS):
        spec = _fresh_spec(rng, universities[index % len(universities)], fields, divisions, taken)
        # The town's copy is not offered to the public: the showcase lists an achievement once.
        copy = dict(spec, summary=spec["summary"].replace("团队研发的", "团队的"), is_public=False)
        specs.append((universities[index % len(universities)], spec))
        specs.append((towns[index % len(towns)], copy))
        duplicates.append(
            (universities[index % len(universities)], towns[index % len(towns)], spec["title"])
        )

    fresh = [(u, s) for u, s in specs if (u.pk, normalize_title(s["title"])) not in existing]
    if not fresh:
        ctx.say("成果发现库演示数据已存在。")
        return

    # Most records arrive as submitted rows of an Excel sheet (fast, through the importer's save).
    workflow_share = sum(share for share, _status in WORKFLOW)
    by_browser = [(u, s) for u, s in fresh if rng.random() < workflow_share]
    browser_titles = {s["title"] for _u, s in by_browser}
    dup_titles = {title for _a, _b, title in duplicates}
    imported = [
        (u, s) for u, s in fresh if s["title"] not in browser_titles or s["title"] in dup_titles
    ]
    by_browser = [(u, s) for u, s in by_browser if s["title"] not in dup_titles]
    rng.shuffle(by_browser)
    by_unit: dict[int, list[dict]] = {}
    for unit, spec in imported:
        by_unit.setdefault(unit.pk, []).append(spec)
    for unit_id, rows in by_unit.items():
        unit = next(u for u in units.values() if u.pk == unit_id)
        saved = achievements_import_rows(
            acting_user=_registrar(unit, liaisons, staff),
            unit=unit,
            rows=rows,
            submit=True,
            reason="Excel 导入：2024-2026年成果登记表.xlsx",
        )
        for achievement in saved:
            _backdate(achievement)

    # The rest go through the browser workflow, spread over its statuses.
    cumulative = []
    total = 0.0
    for share, status in WORKFLOW:
        total += share
        cumulative.append((total, status))
    for index, (unit, spec) in enumerate(by_browser):
        point = (index + 0.5) / len(by_browser) * workflow_share
        status = next(s for limit, s in cumulative if point <= limit)
        _register(unit, spec, status, liaisons, staff, reviewer, rng)

    _seed_feedback_and_merges(duplicates, units, reviewer, liaisons, rng)
    ctx.say(f"成果发现库：新增 {len(fresh)} 项演示成果。")


def _register(unit, spec, status, liaisons, staff, reviewer, rng) -> None:
    registrar = _registrar(unit, liaisons, staff)
    achievement = achievement_create(acting_user=registrar, unit=unit, data=spec)
    if status == AchievementStatus.DRAFT:
        _backdate(achievement)
        return
    achievement = achievement_submit(achievement, acting_user=registrar)
    if status == AchievementStatus.RETURNED:
        reasons = rng.sample(list(FeedbackReason.values[:3]), k=rng.randint(1, 2))
        achievement_send_back(
            achievement,
            acting_user=reviewer,
            reasons=reasons,
            fields=["summary", "expected_contribution"],
            message="成果简介缺少与现有技术的量化对比，预期经济贡献请补充测算依据（销售收入、税收等）。",
        )
    elif status == AchievementStatus.WITHDRAWN and registrar.role == Role.LIAISON:
        achievement_withdraw(
            achievement, acting_user=registrar, reason="团队已与外地企业签约，暂不在莞转化。"
        )
    elif status == AchievementStatus.SERVICE:
        achievement_enter_service_library(
            achievement,
            route=rng.choice([ServiceRoute.EVALUATION, ServiceRoute.RECOMMENDATION]),
            acting_user=reviewer,
            reason="2025年度常规入库评价入选（演示数据）",
        )
    achievement.refresh_from_db()
    _backdate(achievement)


def _seed_feedback_and_merges(duplicates, units, reviewer, liaisons, rng) -> None:
    # A returned record the liaison has already fixed (waiting to be resubmitted) and one
    # resubmitted after the fix, so both ends of the send-back loop show.
    returned = list(
        Achievement.objects.filter(status=AchievementStatus.RETURNED, liaison__isnull=False)[:2]
    )
    if returned:
        first = returned[0]
        achievement_update(
            first,
            acting_user=first.liaison,
            data={
                "summary": first.summary
                + "与进口同类产品相比，价格降低约40%，交付周期由12周缩短至4周。"
            },
        )
    # Correction requests from liaisons: two still open, one answered.
    submitted = list(
        Achievement.objects.filter(
            status=AchievementStatus.SUBMITTED, liaison__isnull=False, feedback__isnull=True
        ).order_by("pk")[:3]
    )
    messages = [
        "持有单位应为“东莞理工学院”与合作企业共同持有，请补充。",
        "预期综合经济贡献填错一位，应为 3000 万元。",
        "联系人已调岗，请改为团队秘书。",
    ]
    for achievement, message in zip(submitted, messages, strict=False):
        request = achievement_correction_request(
            achievement, acting_user=achievement.liaison, message=message, fields=["holder"]
        )
        if achievement is submitted[-1]:
            achievement_correction_resolve(
                request,
                acting_user=reviewer,
                outcome=CorrectionOutcome.CORRECTED,
                note="已按申请更正。",
            )
    # Half of the duplicate pairs are merged; the rest wait on the duplicates page.
    for university, town, title in duplicates[:MERGED_PAIRS]:
        normalized = normalize_title(title)
        kept = Achievement.objects.filter(
            discovering_unit=university, title_normalized=normalized
        ).first()
        duplicate = Achievement.objects.filter(
            discovering_unit=town, title_normalized=normalized
        ).first()
        if kept and duplicate and duplicate.status == AchievementStatus.SUBMITTED:
            achievement_merge(
                duplicate,
                into=kept,
                acting_user=reviewer,
                reason="与高校登记的成果为同一成果（演示数据）",
            )
