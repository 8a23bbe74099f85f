"""A deterministic data set of a province-wide deployment, written with bulk inserts.

At scale 1: 100,000 achievements over every unit and field, 20,000 demands, 2,000 brokers,
30,000 technology contracts and three years (2024–2026) of evaluations, follow-ups and
landings. Every number is derived from one seeded `Random`, so two runs give the same rows.
"""

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from random import Random

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from achievements.choices import (
    DISCOVERED_STATUSES,
    AchievementKind,
    AchievementStatus,
    CooperationMode,
    CreditBasis,
    DemandKind,
    DemandStatus,
    EvidenceKind,
    IpType,
    LandingRule,
    LandingState,
    RouteStatus,
    ServiceRoute,
    ShowcaseOrigin,
    SourceChannel,
)
from achievements.management.commands.bench_matching import Corpus
from achievements.matching.evaluation import load_labelled_set
from achievements.models import (
    Achievement,
    AchievementTransition,
    Assignment,
    Demand,
    FollowUp,
    Landing,
    LandingEvidence,
    ShowcaseEntry,
)
from achievements.services.core import normalize_title
from achievements.services.showcase import _search_text
from brokers.choices import BrokerStatus, ContractType
from brokers.models import Broker, CertificateLevel, ContractBroker, TechContract, TrainingBase
from evaluation.choices import BatchStatus, Decision
from evaluation.models import Batch, BatchItem, Score
from kernel.validators import USCC_ALPHABET, uscc_check_character
from towns.choices import EnterpriseStatus, Role
from towns.models import Division, Enterprise, Industry, Unit, User

SEED = 20261125
BATCH = 5000
PASSWORD = "Bench-2026"  # every generated account; the database is a scratch one
YEARS = (2024, 2025, 2026)

BASE = {
    "achievements": 100_000,
    "demands": 20_000,
    "brokers": 2_000,
    "contracts": 30_000,
    "enterprises": 5_000,
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余叶杜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌海波宇晨浩然思源子涵俊"
HOLDERS = [
    "东莞理工学院",
    "广东医科大学",
    "松山湖材料实验室",
    "中国散裂中子源",
    "香港城市大学（东莞）",
    "大湾区大学",
    "华中科技大学东莞研究院",
    "电子科技大学广东电子信息工程研究院",
    "东莞华南设计创新院",
    "清华大学",
    "中山大学",
    "华南理工大学",
    "广东工业大学",
    "南方科技大学",
    "哈尔滨工业大学（深圳）",
    "中国科学院深圳先进技术研究院",
    "西安交通大学",
    "浙江大学",
]
ENTERPRISE_WORDS = ["精密", "智能", "新材料", "电子", "光电", "生物", "装备", "能源", "半导体"]
ENTERPRISE_ENDS = ["科技有限公司", "实业有限公司", "技术股份有限公司", "制造有限公司"]
DEMAND_WANTS = [
    "希望找到成熟的解决方案，可合作开发或技术转让。",
    "寻求高校院所联合攻关，预算可面议。",
    "需要可在半年内导入量产的技术。",
    "欢迎具备中试条件的团队对接。",
]
PROGRESS = [
    "与意向企业完成第二轮技术对接，对方提出样品测试要求。",
    "落地方案已报镇街审核，等待场地确认。",
    "团队已完成公司注册材料准备。",
    "合同条款基本谈妥，进入法务审核。",
    "本月暂无实质进展，已约下月再次拜访。",
    "完成中试线设备选型，启动采购。",
]
CONTRACT_ENDS = ["技术开发合同", "技术转让合同", "技术服务合同", "技术许可合同"]
NEXT_STEPS = ["跟进样品测试结果", "协调场地与政策支持", "推动签约", "组织专家论证"]


def person(rng: Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def uscc(n: int) -> str:
    body = f"91441900{n:09d}"
    # Map digits only: the alphabet keeps 0–9 at their positions.
    assert all(ch in USCC_ALPHABET for ch in body)
    return body + uscc_check_character(body)


def aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, dtime(hour, 0)))


def counts(scale: float) -> dict[str, int]:
    return {key: max(1, round(value * scale)) for key, value in BASE.items()}


@dataclass
class Generated:
    counts: dict[str, int]
    seconds: float


class Generator:
    """Writes the data set into an empty portal database (reference data already loaded)."""

    def __init__(
        self, scale: float = 1.0, *, seed: int = SEED, today: date | None = None, log=None
    ):
        self.scale = scale
        self.rng = Random(seed)
        self.today = today or date(2026, 11, 20)
        self.log = log or (lambda message: None)
        self.n = counts(scale)
        self.units = list(Unit.objects.filter(is_active=True).order_by("code"))
        self.fields = list(Industry.objects.order_by("code"))
        self.divisions = list(Division.objects.order_by("code"))
        if not (self.units and self.fields and self.divisions):
            raise RuntimeError("参考数据为空：请先运行 manage.py load_reference。")

    # --- helpers -----------------------------------------------------------------------------

    def _day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def _step(self, label: str, started: float, count: int) -> None:
        self.log(f"  {label}：{count:,} 行，{time.perf_counter() - started:.1f} s")

    # --- the data set ------------------------------------------------------------------------

    def run(self) -> Generated:
        started = time.perf_counter()
        with transaction.atomic():
            self._people()
            self._enterprises()
            self._achievements()
            self._labelled()
            self._showcase()
            self._evaluations()
            self._service()
            self._landings()
            self._demands()
            self._brokers()
            self._contracts()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return Generated(self.n, time.perf_counter() - started)

    def _people(self) -> None:
        t = time.perf_counter()
        password = make_password(PASSWORD)
        users = [
            User(username=f"liaison_{u.code}", name=person(self.rng), role=Role.LIAISON, unit=u)
            for u in self.units
        ]
        users += [
            User(username=f"staff_{i:02d}", name=person(self.rng), role=Role.CENTER_STAFF)
            for i in range(20)
        ]
        users += [
            User(username=f"expert_{i:02d}", name=person(self.rng), role=Role.EVALUATOR)
            for i in range(30)
        ]
        kjj = next((u for u in self.units if u.code == "kjj"), self.units[0])
        users.append(User(username="leader", name=person(self.rng), role=Role.LEADER, unit=kjj))
        users.append(User(username="staff", name="服务中心", role=Role.CENTER_STAFF))
        for user in users:
            user.password = password
        User.objects.bulk_create(users, batch_size=BATCH)
        self.liaisons = {
            u.unit_id: u
            for u in User.objects.filter(role=Role.LIAISON, username__startswith="liaison_")
        }
        self.staff = list(User.objects.filter(role=Role.CENTER_STAFF).order_by("pk"))
        self.experts = list(User.objects.filter(role=Role.EVALUATOR).order_by("pk"))
        self._step("账号", t, len(users))

    def _enterprises(self) -> None:
        t = time.perf_counter()
        rng, count = self.rng, self.n["enterprises"]
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    name=f"东莞市{rng.choice(ENTERPRISE_WORDS)}{person(rng)[:2]}{i}"
                    f"{rng.choice(ENTERPRISE_ENDS)}"[:100],
                    credit_code=uscc(i),
                    division=rng.choice(self.divisions),
                    industry=rng.choice(self.fields),
                    contact_name=person(rng),
                    contact_phone=f"139{i:08d}",
                    status=EnterpriseStatus.APPROVED,
                )
                for i in range(count)
            ],
            batch_size=BATCH,
        )
        self.enterprises = list(Enterprise.objects.order_by("pk"))
        password = make_password(PASSWORD)
        User.objects.bulk_create(
            [
                User(
                    username=f"ent_{e.pk}",
                    name=e.contact_name,
                    role=Role.ENTERPRISE,
                    enterprise=e,
                    password=password,
                )
                for e in self.enterprises
            ],
            batch_size=BATCH,
        )
        self.enterprise_users = dict(
            User.objects.filter(role=Role.ENTERPRISE).values_list("enterprise_id", "pk")
        )
        self._step("企业及企业账号", t, count)

    def _status(self) -> str:
        r = self.rng.random()
        for status, share in (
            (AchievementStatus.DRAFT, 0.03),
            (AchievementStatus.RETURNED, 0.05),
            (AchievementStatus.WITHDRAWN, 0.07),
            (AchievementStatus.SERVICE, 0.19),
            (AchievementStatus.LANDED, 0.22),
        ):
            if r < share:
                return status
        return AchievementStatus.SUBMITTED

    def _achievements(self) -> None:
        t = time.perf_counter()
        rng, corpus = self.rng, Corpus(SEED)
        kinds = list(AchievementKind.values)
        modes = list(CooperationMode.values)
        ip_types = list(IpType.values)
        channels = list(SourceChannel.values)
        # Bigger units discover more: 市科技局 and the universities carry most of the library.
        weights = [max(1, u.default_discovery_target or 10) for u in self.units]
        total = self.n["achievements"]
        # A unit holds one live record per title (the database says so): a generated title
        # that its unit already has, or that the labelled set gives to the first unit, is
        # numbered as a later phase.
        labelled = load_labelled_set().achievements
        taken = {(self.units[0].pk, normalize_title(a.title)) for a in labelled}
        for start in range(0, total, BATCH):
            rows = []
            for _ in range(min(BATCH, total - start)):
                unit = rng.choices(self.units, weights)[0]
                status = self._status()
                discovered = self._day(date(2024, 1, 2), self.today)
                submitted = status != AchievementStatus.DRAFT
                in_service = status in (AchievementStatus.SERVICE, AchievementStatus.LANDED)
                achievement = corpus.achievement(
                    kind=rng.choice(kinds),
                    holder=rng.choice(HOLDERS),
                    discovering_unit=unit,
                    created_by=self.liaisons[unit.pk],
                    status=status,
                    discovered_on=discovered,
                )
                title, phase = achievement.title, 1
                while (unit.pk, normalize_title(title)) in taken:
                    phase += 1
                    title = f"{achievement.title}（{phase}期）"
                achievement.title = title
                achievement.title_normalized = normalize_title(title)
                taken.add((unit.pk, achievement.title_normalized))
                achievement.liaison = self.liaisons[unit.pk]
                achievement.field = rng.choice(self.fields)
                achievement.ip_types = rng.sample(ip_types, rng.randint(0, 2))
                achievement.ip_count = rng.randint(0, 30)
                achievement.contact_name = person(rng)
                achievement.contact_phone = f"138{rng.randint(0, 99_999_999):08d}"
                achievement.expected_contribution = Decimal(
                    int(10 ** rng.uniform(5, 9.2)) // 10_000 * 10_000
                )
                achievement.funding_need = Decimal(rng.randint(0, 500) * 10_000)
                achievement.cooperation_modes = rng.sample(modes, rng.randint(1, 3))
                achievement.source_channel = rng.choice(channels)
                achievement.is_public = rng.random() < 0.6
                achievement.submitted_at = aware(discovered) if submitted else None
                if in_service:
                    achievement.service_route = ServiceRoute.EVALUATION
                    achievement.service_entered_at = aware(
                        min(self.today, discovered + timedelta(days=rng.randint(30, 200)))
                    )
                rows.append(achievement)
            Achievement.objects.bulk_create(rows, batch_size=BATCH)
            self.log(f"  成果 {start + len(rows):,}/{total:,}")
        with connection.cursor() as cursor:
            # auto_now_add stamped them all now; a record was created when it was discovered.
            cursor.execute(
                "UPDATE achievements_achievement SET created_at = submitted_at "
                "WHERE submitted_at IS NOT NULL"
            )
        rows = Achievement.objects.exclude(status=AchievementStatus.DRAFT).values_list(
            "pk", "status", "created_by_id"
        )
        AchievementTransition.objects.bulk_create(
            (
                AchievementTransition(
                    achievement_id=pk, from_status="", to_status=status, actor_id=actor
                )
                for pk, status, actor in rows.iterator()
            ),
            batch_size=BATCH,
        )
        self._step("成果", t, total)

    def _labelled(self) -> None:
        """The labelled achievements of the matching benchmark, so its quality is measured here."""
        t = time.perf_counter()
        labelled = load_labelled_set()
        fields = {i.code: i for i in self.fields}
        divisions = {d.code: d for d in self.divisions}
        unit = self.units[0]
        Achievement.objects.bulk_create(
            [
                Achievement(
                    title=a.title,
                    title_normalized=normalize_title(a.title),
                    summary=a.summary,
                    kind=AchievementKind.PROJECT,
                    holder=HOLDERS[0],
                    field=fields[a.field],
                    landing_division=divisions.get(a.division),
                    discovering_unit=unit,
                    created_by=self.liaisons[unit.pk],
                    status=AchievementStatus.SUBMITTED,
                    discovered_on=date(2025, 6, 1),
                    submitted_at=aware(date(2025, 6, 1)),
                )
                for a in labelled.achievements
            ]
        )
        self._step("标注集成果", t, len(labelled.achievements))

    def _showcase(self) -> None:
        t = time.perf_counter()
        fields = {f.pk: f.name for f in self.fields}
        units = {u.pk: u.name for u in self.units}
        public = (
            Achievement.objects.filter(is_public=True, status__in=DISCOVERED_STATUSES)
            .order_by("pk")
            .values_list(
                "pk",
                "title",
                "summary",
                "field_id",
                "kind",
                "trl",
                "landing_division_id",
                "cooperation_modes",
                "holder",
                "discovering_unit_id",
                "submitted_at",
            )
        )
        entries = (
            ShowcaseEntry(
                key=f"A{pk}",
                origin=ShowcaseOrigin.LOCAL,
                achievement_id=pk,
                title=title,
                summary=summary,
                field_id=field,
                kind=kind,
                trl=trl,
                division_id=division,
                cooperation_modes=modes,
                holder=holder,
                source=f"东莞市科技成果库（发现单位：{units[unit]}）",
                search_text=_search_text(title, holder, fields[field], summary),
                published_at=submitted,
            )
            for pk, title, summary, field, kind, trl, division, modes, holder, unit, submitted in (
                public.iterator()
            )
        )
        ShowcaseEntry.objects.bulk_create(entries, batch_size=BATCH)
        self._step("展示区条目", t, ShowcaseEntry.objects.count())

    def _service_cases(self):
        return Achievement.objects.filter(
            status__in=(AchievementStatus.SERVICE, AchievementStatus.LANDED)
        ).order_by("pk")

    def _evaluations(self) -> None:
        """One confirmed batch a year; every service-library case was selected by one of them,
        with as many rejected alongside it."""
        t = time.perf_counter()
        rng = self.rng
        staff = self.staff[0]
        batches = {}
        for year in YEARS:
            batch = Batch.objects.create(
                year=year,
                name=f"{year}年度常规入库评价",
                institution="广东省科技成果评价中心",
                threshold=Decimal("75"),
                status=BatchStatus.CONFIRMED,
                created_by=staff,
                confirmed_by=staff,
                confirmed_at=aware(date(year, 11, 30) if year < 2026 else date(2026, 11, 1)),
            )
            batch.evaluators.set(self.experts[(year - 2024) * 10 : (year - 2024) * 10 + 10])
            batches[year] = batch
        selected = list(self._service_cases().values_list("pk", "discovered_on"))
        others = list(
            Achievement.objects.filter(status=AchievementStatus.SUBMITTED)
            .order_by("pk")
            .values_list("pk", "discovered_on")[: len(selected)]
        )
        items = []
        for chosen, rows in ((True, selected), (False, others)):
            for pk, discovered in rows:
                year = max(2024, min(2026, discovered.year))
                items.append(
                    BatchItem(
                        batch=batches[year],
                        achievement_id=pk,
                        added_by=staff,
                        scorer_count=3,
                        mean_total=Decimal(rng.randint(76, 95) if chosen else rng.randint(40, 74)),
                        spread=Decimal(rng.randint(2, 15)),
                        has_market_demand=chosen,
                        has_innovation_value=chosen,
                        has_economic_contribution=chosen,
                        proposed=chosen,
                        decision=Decision.SELECTED if chosen else Decision.NOT_SELECTED,
                        reason="" if chosen else "综合得分未达入选分数线。",
                        decided_by=staff,
                        decided_at=aware(date(year, 12, 1) if year < 2026 else date(2026, 11, 1)),
                    )
                )
        BatchItem.objects.bulk_create(items, batch_size=BATCH)
        scores = []
        for item in BatchItem.objects.select_related("batch").only("pk", "mean_total", "batch_id"):
            evaluators = self.experts[(item.batch.year - 2024) * 10 :][:3]
            for expert in evaluators:
                total = max(0, min(100, int(item.mean_total) + rng.randint(-4, 4)))
                scores.append(
                    Score(
                        item_id=item.pk,
                        evaluator=expert,
                        tech_content=Decimal(total),
                        economic_benefit=Decimal(total),
                        conversion_efficiency=Decimal(total),
                        total=Decimal(total),
                        market_demand=total >= 75,
                        innovation_value=total >= 75,
                        economic_contribution=total >= 75,
                        comment="技术路线清晰，具备产业化基础。"
                        if total >= 75
                        else "市场需求论证不足。",
                    )
                )
            if len(scores) >= BATCH:
                Score.objects.bulk_create(scores)
                scores = []
        Score.objects.bulk_create(scores)
        self._step("评价批次、入选结果与专家评分", t, len(items))

    def _service(self) -> None:
        """包干责任 and a monthly follow-up for every service-library case since it entered."""
        t = time.perf_counter()
        rng = self.rng
        cases = list(self._service_cases().values_list("pk", "service_entered_at", "status"))
        Assignment.objects.bulk_create(
            [
                Assignment(
                    achievement_id=pk,
                    assignee=self.staff[pk % len(self.staff)],
                    assigned_by=self.staff[0],
                    started_at=entered,
                )
                for pk, entered, _status in cases
            ],
            batch_size=BATCH,
        )
        follow_ups, total = [], 0
        last_month = self.today.replace(day=1)
        for pk, entered, status in cases:
            month = timezone.localtime(entered).date().replace(day=1)
            while month < last_month:
                follow_ups.append(
                    FollowUp(
                        achievement_id=pk,
                        period=month,
                        followed_on=month + timedelta(days=rng.randint(5, 25)),
                        progress=rng.choice(PROGRESS),
                        next_step=rng.choice(NEXT_STEPS),
                        route_status=RouteStatus.LANDED
                        if status == AchievementStatus.LANDED
                        else rng.choice([RouteStatus.MATCHING, RouteStatus.IMPLEMENTING]),
                        has_progress=rng.random() < 0.6,
                        recorded_by=self.staff[pk % len(self.staff)],
                    )
                )
                month = (month + timedelta(days=32)).replace(day=1)
            if len(follow_ups) >= BATCH:
                FollowUp.objects.bulk_create(follow_ups)
                total += len(follow_ups)
                follow_ups = []
        FollowUp.objects.bulk_create(follow_ups)
        total += len(follow_ups)
        self._step(f"包干责任 {len(cases):,} 项及月度跟踪", t, total)

    def _landings(self) -> None:
        """Landed cases: evidence and a verified landing. Half the open cases: some evidence, so
        the nightly check has work."""
        t = time.perf_counter()
        rng = self.rng
        kjj = next((u for u in self.units if u.code == "kjj"), None)
        evidence, landings = [], []
        for pk, status, unit_id, division_id, entered in self._service_cases().values_list(
            "pk", "status", "discovering_unit_id", "landing_division_id", "service_entered_at"
        ):
            division_id = division_id or self.divisions[pk % len(self.divisions)].pk
            start = timezone.localtime(entered).date()
            landed = status == AchievementStatus.LANDED
            if not landed and rng.random() < 0.5:
                continue
            occurred = self._day(start, self.today)
            evidence.append(
                LandingEvidence(
                    achievement_id=pk,
                    kind=EvidenceKind.TEAM_SETTLED,
                    division_id=division_id,
                    team_size=rng.randint(3, 30),
                    subject="核心团队落户东莞",
                    occurred_on=occurred,
                    recorded_by=self.staff[pk % len(self.staff)],
                )
            )
            if landed:
                by_unit = kjj is not None and unit_id == kjj.pk
                contribution = Decimal(int(10 ** rng.uniform(6, 9)) // 10_000 * 10_000)
                landings.append(
                    Landing(
                        achievement_id=pk,
                        state=LandingState.LANDED,
                        met_rules=[LandingRule.PROJECT_TEAM],
                        checked_at=aware(occurred),
                        proposed_at=aware(occurred),
                        rule=LandingRule.PROJECT_TEAM,
                        landed_on=occurred,
                        division_id=division_id,
                        credited_unit_id=unit_id if by_unit else self._division_unit(division_id),
                        credit_basis=CreditBasis.DISCOVERING_UNIT_QUOTA
                        if by_unit
                        else CreditBasis.LANDING_DIVISION,
                        verified_by=self.staff[0],
                        verified_at=aware(occurred, 16),
                        economic_contribution=contribution,
                    )
                )
        LandingEvidence.objects.bulk_create(evidence, batch_size=BATCH)
        Landing.objects.bulk_create(landings, batch_size=BATCH)
        self._step("落地证据与认定", t, len(evidence) + len(landings))

    def _division_unit(self, division_id: int) -> int:
        if not hasattr(self, "_division_units"):
            self._division_units = {
                u.division_id: u.pk for u in self.units if u.division_id is not None
            }
        return self._division_units.get(division_id, self.units[0].pk)

    def _demands(self) -> None:
        t = time.perf_counter()
        rng, corpus = self.rng, Corpus(SEED + 1)
        total = self.n["demands"]
        kinds = list(DemandKind.values)
        for start in range(0, total, BATCH):
            rows = []
            for _ in range(min(BATCH, total - start)):
                enterprise = rng.choice(self.enterprises)
                title, problem = corpus.demand_text()
                rows.append(
                    Demand(
                        enterprise=enterprise,
                        kind=rng.choice(kinds),
                        title=title[:120],
                        description=f"{problem}{rng.choice(DEMAND_WANTS)}",
                        field=rng.choice(self.fields),
                        division=enterprise.division or self.divisions[0],
                        budget_min=Decimal(rng.randint(1, 50) * 10_000),
                        budget_max=Decimal(rng.randint(50, 500) * 10_000),
                        contact_name=enterprise.contact_name,
                        contact_phone=enterprise.contact_phone,
                        status=rng.choice(
                            [DemandStatus.OPEN, DemandStatus.OPEN, DemandStatus.MATCHED]
                        ),
                        created_by_id=self.enterprise_users[enterprise.pk],
                    )
                )
            Demand.objects.bulk_create(rows)
        self._step("企业需求", t, total)

    def _brokers(self) -> None:
        t = time.perf_counter()
        rng = self.rng
        level = CertificateLevel.objects.filter(eligible_for_library=True).first()
        level = level or CertificateLevel.objects.create(
            code="mid", name="中级", eligible_for_library=True
        )
        base = TrainingBase.objects.filter(recognised=True).first()
        base = base or TrainingBase.objects.create(name="国家技术转移人才培养基地（广东）")
        Broker.objects.bulk_create(
            [
                Broker(
                    name=person(rng),
                    employer=rng.choice(HOLDERS),
                    phone=f"137{i:08d}",
                    certificate_level=level,
                    training_base=base,
                    certificate_number=f"JSJJ-GD-{i:06d}",
                    certificate_date=self._day(date(2019, 1, 1), date(2025, 12, 31)),
                    status=BrokerStatus.IN_LIBRARY,
                    reviewed_by=self.staff[0],
                    reviewed_at=aware(date(2024, 3, 1)),
                    created_by=self.staff[0],
                )
                for i in range(self.n["brokers"])
            ],
            batch_size=BATCH,
        )
        self.brokers = list(Broker.objects.order_by("pk").values_list("pk", flat=True))
        self._step("技术经纪人", t, len(self.brokers))

    def _contracts(self) -> None:
        t = time.perf_counter()
        rng = self.rng
        total = self.n["contracts"]
        types = list(ContractType.values)
        landed = list(
            Achievement.objects.filter(status=AchievementStatus.LANDED).values_list("pk", flat=True)
        )
        TechContract.objects.bulk_create(
            [
                TechContract(
                    title=f"{_contract_subject(rng)}{rng.choice(CONTRACT_ENDS)}",
                    contract_type=rng.choice(types),
                    registration_number=f"2024441900{i:07d}",
                    registered_on=self._day(date(2024, 1, 2), self.today),
                    amount=Decimal(int(10 ** rng.uniform(4.5, 7.5))),
                    seller_name=rng.choice(HOLDERS),
                    seller_division=rng.choice(self.divisions) if rng.random() < 0.4 else None,
                    buyer_name=rng.choice(self.enterprises).name,
                    buyer_division=rng.choice(self.divisions),
                    created_by=self.staff[0],
                )
                for i in range(total)
            ],
            batch_size=BATCH,
        )
        contracts = list(TechContract.objects.order_by("pk").values_list("pk", flat=True))
        shares = []
        for pk in contracts:
            if rng.random() < 0.6:
                brokers = rng.sample(self.brokers, min(len(self.brokers), rng.randint(1, 2)))
                for broker in brokers:
                    shares.append(
                        ContractBroker(
                            contract_id=pk,
                            broker_id=broker,
                            share=Decimal(100 // len(brokers)),
                        )
                    )
        ContractBroker.objects.bulk_create(shares, batch_size=BATCH)
        through = TechContract.achievements.through
        through.objects.bulk_create(
            [
                through(techcontract_id=pk, achievement_id=achievement)
                for pk, achievement in zip(contracts, landed, strict=False)
            ],
            batch_size=BATCH,
        )
        self._step("技术合同及经纪人份额", t, total)


def _contract_subject(rng: Random) -> str:
    return rng.choice(["高性能", "智能", "绿色", "低成本"]) + rng.choice(
        ["传感器", "复合材料", "控制系统", "检测装置", "电源模块", "催化剂"]
    )
