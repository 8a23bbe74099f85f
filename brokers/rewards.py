"""The yearly incentive rules (三.一机制.3 四–五, and seed 000's 产业化绩效奖励 and 科保贷
compensation), computed from the records.

Every rate, cap and count is read with `policy_value("incentives.…", year=…)`; each line says
which rule it follows, the inputs it read and how the amount came about, so that a reviewer can
check it by hand.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy, override
from django.utils.translation import gettext_noop as N

from achievements.choices import AchievementStatus
from kernel.money import format_yuan
from kernel.wording import note, rate_value, render_note, yuan_value
from towns.policy import policy_int, policy_value

from .choices import GOOD_OR_BETTER, BrokerStatus, PocStatus, RewardRule
from .models import (
    ContractBroker,
    IndustrialisationAward,
    Intermediary,
    IntermediaryRating,
    LoanLossClaim,
    OutstandingIndividual,
    PocCenter,
    PocEvaluation,
    PocProject,
    SubsidisedEvent,
)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass
class ComputedReward:
    """`basis_note` and `input_notes` are stored notes (kernel.wording): the reader's language
    words them when they are shown."""

    rule: str
    beneficiary: str
    amount: Decimal
    basis_note: dict
    input_notes: list[tuple] = field(default_factory=list)
    broker_id: int | None = None

    @property
    def basis(self) -> str:
        return render_note(self.basis_note)

    @property
    def inputs(self) -> list[tuple[str, str]]:
        return [(render_note(label), render_note(value)) for label, value in self.input_notes]


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(rate: Decimal) -> str:
    return f"{(rate * HUNDRED).normalize():f}%"


def incentive(name: str, year: int) -> Decimal:
    return policy_value(f"incentives.{name}", year=year)


def capped(raw: Decimal, cap: Decimal) -> tuple[Decimal, dict | str]:
    """The amount after the cap, and the note that says so when the cap applied."""
    raw = money(raw)
    if raw > cap:
        return money(cap), note(N("，超过上限%(cap)s，按上限计"), cap=yuan_value(cap))
    return raw, ""


def choice_label(label) -> dict:
    """A choice label as a note: its message id is the Chinese text."""
    with override("zh-hans"):
        return note(str(label))


def _beyond_quota(rank: int, max_count: int) -> dict:
    return note(
        N("按得分排序第%(rank)d名，超出每年不超过%(n)d名的限额，不予奖励"), rank=rank, n=max_count
    )


def broker_commissions(year: int) -> list[ComputedReward]:
    """5 % of the contract amount each library broker facilitated in the year (by share), capped."""
    rate = incentive("broker_commission_rate", year)
    cap = incentive("broker_commission_cap", year)
    facilitated: dict[int, Decimal] = defaultdict(Decimal)
    contracts: dict[int, int] = defaultdict(int)
    brokers = {}
    shares = (
        ContractBroker.objects.filter(
            contract__registered_on__year=year, broker__status=BrokerStatus.IN_LIBRARY
        )
        .select_related("broker", "contract")
        .order_by("broker__name", "broker_id", "contract_id")
    )
    for share in shares:
        brokers[share.broker_id] = share.broker
        facilitated[share.broker_id] += money(share.contract.amount * share.share / HUNDRED)
        contracts[share.broker_id] += 1
    lines = []
    for broker_id, broker in brokers.items():
        total = facilitated[broker_id]
        amount, cap_note = capped(total * rate, cap)
        lines.append(
            ComputedReward(
                rule=RewardRule.BROKER_COMMISSION,
                beneficiary=f"{broker.name}（{broker.employer}）",
                amount=amount,
                broker_id=broker_id,
                input_notes=[
                    (note(N("促成技术合同")), note(N("%(n)d份"), n=contracts[broker_id])),
                    (note(N("按份额计促成交易额")), yuan_value(total)),
                    (note(N("奖励比例")), rate_value(rate)),
                    (note(N("上限")), yuan_value(cap)),
                ],
                basis_note=note(
                    N("%(total)s × %(rate)s = %(raw)s%(cap_note)s"),
                    total=yuan_value(total),
                    rate=rate_value(rate),
                    raw=yuan_value(money(total * rate)),
                    cap_note=cap_note,
                ),
            )
        )
    return lines


def _ranked_awards(candidates, *, rule, max_count, cap, describe) -> list[ComputedReward]:
    """The first `max_count` candidates (already ranked) get their proposed amount, capped."""
    lines = []
    for rank, candidate in enumerate(candidates, start=1):
        beneficiary, proposed, inputs, broker_id = describe(candidate)
        inputs = [
            *inputs,
            (note(N("拟奖励金额")), yuan_value(proposed)),
            (note(N("上限")), yuan_value(cap)),
        ]
        if rank > max_count:
            amount, basis = Decimal("0.00"), _beyond_quota(rank, max_count)
        else:
            amount, cap_note = capped(proposed, cap)
            basis = note(
                N("按得分排序第%(rank)d名（限额%(n)d名），拟奖励%(proposed)s%(cap_note)s"),
                rank=rank,
                n=max_count,
                proposed=yuan_value(proposed),
                cap_note=cap_note,
            )
        lines.append(
            ComputedReward(
                rule=rule,
                beneficiary=beneficiary,
                amount=amount,
                basis_note=basis,
                input_notes=inputs,
                broker_id=broker_id,
            )
        )
    return lines


def outstanding_individuals(year: int) -> list[ComputedReward]:
    candidates = OutstandingIndividual.objects.filter(year=year).order_by("-score", "id")
    return _ranked_awards(
        candidates,
        rule=RewardRule.OUTSTANDING_INDIVIDUAL,
        max_count=policy_int("incentives.outstanding_individual_max_count", year=year),
        cap=incentive("outstanding_individual_cap", year),
        describe=lambda c: (
            f"{c.name}（{c.employer}）",
            c.proposed_amount,
            [(note(N("评审得分")), f"{c.score.normalize():f}")],
            c.broker_id,
        ),
    )


def intermediary_above_scale(year: int) -> list[ComputedReward]:
    award = incentive("intermediary_first_above_scale_award", year)
    return [
        ComputedReward(
            rule=RewardRule.INTERMEDIARY_ABOVE_SCALE,
            beneficiary=intermediary.name,
            amount=money(award),
            input_notes=[
                (note(N("首次上规年度")), str(year)),
                (note(N("一次性奖励")), yuan_value(award)),
            ],
            basis_note=note(
                N("%(year)d年首次成长为规模以上科技服务企业，一次性奖励%(award)s"),
                year=year,
                award=yuan_value(award),
            ),
        )
        for intermediary in Intermediary.objects.filter(first_above_scale_year=year).order_by(
            "name"
        )
    ]


def demonstration_intermediaries(year: int) -> list[ComputedReward]:
    candidates = (
        IntermediaryRating.objects.filter(year=year, demonstration=True)
        .select_related("intermediary")
        .order_by("-score", "id")
    )
    return _ranked_awards(
        candidates,
        rule=RewardRule.DEMONSTRATION_INTERMEDIARY,
        max_count=policy_int("incentives.demonstration_intermediary_max_count", year=year),
        cap=incentive("demonstration_intermediary_cap", year),
        describe=lambda r: (
            r.intermediary.name,
            r.proposed_amount,
            [
                (note(N("绩效评价")), choice_label(r.get_rating_display())),
                (note(N("绩效得分")), f"{r.score.normalize():f}"),
            ],
            None,
        ),
    )


def event_subsidies(year: int) -> list[ComputedReward]:
    rate = incentive("event_subsidy_rate_max", year)
    cap = incentive("event_subsidy_cap", year)
    lines = []
    for event in SubsidisedEvent.objects.filter(held_on__year=year).order_by("held_on", "id"):
        amount, cap_note = capped(event.total_spend * rate, cap)
        lines.append(
            ComputedReward(
                rule=RewardRule.EVENT_SUBSIDY,
                beneficiary=f"{event.organiser}（{event.name}）",
                amount=amount,
                input_notes=[
                    (note(N("经核定总支出")), yuan_value(event.total_spend)),
                    (note(N("资助比例上限")), rate_value(rate)),
                    (note(N("上限")), yuan_value(cap)),
                ],
                basis_note=note(
                    N("%(spend)s × %(rate)s = %(raw)s%(cap_note)s"),
                    spend=yuan_value(event.total_spend),
                    rate=rate_value(rate),
                    raw=yuan_value(money(event.total_spend * rate)),
                    cap_note=cap_note,
                ),
            )
        )
    return lines


def poc_recognitions(year: int) -> list[ComputedReward]:
    candidates = PocCenter.objects.filter(
        status=PocStatus.RECOGNISED, recognised_year=year
    ).order_by("recognised_at", "id")
    max_count = policy_int("incentives.poc_center_max_per_year", year=year)
    cap = incentive("poc_center_recognition_cap", year)
    lines = []
    for rank, center in enumerate(candidates, start=1):
        proposed = center.recognition_support if center.recognition_support is not None else cap
        if rank > max_count:
            amount = Decimal("0.00")
            basis = note(
                N("第%(rank)d家认定，超出每年不超过%(n)d家的限额，不予支持"), rank=rank, n=max_count
            )
        else:
            amount, cap_note = capped(proposed, cap)
            basis = note(
                N("%(year)d年认定（第%(rank)d家），一次性支持%(proposed)s%(cap_note)s"),
                year=year,
                rank=rank,
                proposed=yuan_value(proposed),
                cap_note=cap_note,
            )
        lines.append(
            ComputedReward(
                rule=RewardRule.POC_RECOGNITION,
                beneficiary=center.name,
                amount=amount,
                basis_note=basis,
                input_notes=[
                    (note(N("认定年度")), str(year)),
                    (note(N("拟支持金额")), yuan_value(proposed)),
                    (note(N("上限")), yuan_value(cap)),
                ],
            )
        )
    return lines


def is_review_year(recognised_year: int | None, year: int, every: int) -> bool:
    """Evaluations fall every `every` years after recognition."""
    return (
        recognised_year is not None
        and year > recognised_year
        and (year - recognised_year) % every == 0
    )


def poc_performance(year: int) -> list[ComputedReward]:
    """Centers rated good or better in their review year: 50 % of their landed projects'
    contribution over the review period, capped."""
    every = policy_int("incentives.poc_center_review_every_years", year=year)
    rate = incentive("poc_center_performance_rate", year)
    cap = incentive("poc_center_performance_cap", year)
    evaluations = (
        PocEvaluation.objects.filter(year=year, center__status=PocStatus.RECOGNISED)
        .select_related("center")
        .order_by("center__name")
    )
    first_year = year - every + 1
    due = [e for e in evaluations if is_review_year(e.center.recognised_year, year, every)]
    projects = defaultdict(list)
    for project in PocProject.objects.filter(
        center__in=[e.center for e in due],
        year__range=(first_year, year),
        achievement__status=AchievementStatus.LANDED,
    ):
        projects[project.center_id].append(project.contribution)
    lines = []
    for evaluation in due:
        center = evaluation.center
        contribution = sum(projects[center.pk], Decimal(0))
        count = len(projects[center.pk])
        period = f"{first_year}–{year}"
        rating = choice_label(evaluation.get_rating_display())
        inputs = [
            (note(N("绩效评估结果")), rating),
            (note(N("评估期")), period),
            (note(N("落地项目")), note(N("%(n)d项"), n=count)),
            (note(N("综合贡献")), yuan_value(contribution)),
            (note(N("奖励比例")), rate_value(rate)),
            (note(N("上限")), yuan_value(cap)),
        ]
        if evaluation.rating in GOOD_OR_BETTER:
            amount, cap_note = capped(contribution * rate, cap)
            basis = note(
                N("评估%(rating)s：综合贡献%(total)s × %(rate)s = %(raw)s%(cap_note)s"),
                rating=rating,
                total=yuan_value(contribution),
                rate=rate_value(rate),
                raw=yuan_value(money(contribution * rate)),
                cap_note=cap_note,
            )
        else:
            amount = Decimal("0.00")
            basis = note(N("评估结果为%(rating)s，未达良好以上，不予奖励"), rating=rating)
        lines.append(
            ComputedReward(
                rule=RewardRule.POC_PERFORMANCE,
                beneficiary=center.name,
                amount=amount,
                basis_note=basis,
                input_notes=inputs,
            )
        )
    return lines


def industrialisation_awards(year: int) -> list[ComputedReward]:
    """Seed 000 二(一)1: major projects with outstanding industrialisation performance, the
    proposed award capped at `incentives.industrialisation_award_cap`."""
    cap = incentive("industrialisation_award_cap", year)
    lines = []
    proposals = (
        IndustrialisationAward.objects.filter(year=year)
        .select_related("project", "project__division")
        .order_by("project__name", "id")
    )
    for proposal in proposals:
        amount, cap_note = capped(proposal.proposed_amount, cap)
        project = proposal.project
        lines.append(
            ComputedReward(
                rule=RewardRule.INDUSTRIALISATION_AWARD,
                beneficiary=f"{project.lead_enterprise}（{project.name}）",
                amount=amount,
                basis_note=note(
                    N("产业化绩效突出，拟奖励%(proposed)s%(cap_note)s"),
                    proposed=yuan_value(proposal.proposed_amount),
                    cap_note=cap_note,
                ),
                input_notes=[
                    (note(N("所在镇街（园区）")), str(project.division)),
                    (note(N("入库年度")), str(project.year)),
                    (note(N("拟奖励金额")), yuan_value(proposal.proposed_amount)),
                    (note(N("上限")), yuan_value(cap)),
                ],
            )
        )
    return lines


def loan_loss_compensations(year: int) -> list[ComputedReward]:
    """Seed 000 二(二)3: the bank's loss on a 科保贷 loan × the agreed rate, at most
    `incentives.bank_loss_compensation_max_rate` (the maximum when no rate was agreed)."""
    max_rate = incentive("bank_loss_compensation_max_rate", year)
    lines = []
    for claim in LoanLossClaim.objects.filter(year=year).order_by("bank", "enterprise", "id"):
        requested = None if claim.requested_rate is None else claim.requested_rate / HUNDRED
        rate = max_rate if requested is None or requested > max_rate else requested
        if requested is None:
            rate_note = note(N("未约定比例，按最高比例%(rate)s"), rate=rate_value(max_rate))
        elif requested > max_rate:
            rate_note = note(
                N("申请比例%(asked)s超过最高比例，按%(rate)s"),
                asked=rate_value(requested),
                rate=rate_value(max_rate),
            )
        else:
            rate_note = note(N("按申请比例%(rate)s"), rate=rate_value(rate))
        amount = money(claim.loss_amount * rate)
        lines.append(
            ComputedReward(
                rule=RewardRule.LOAN_LOSS_COMPENSATION,
                beneficiary=f"{claim.bank}（{claim.enterprise}）",
                amount=amount,
                basis_note=note(
                    N("%(loss)s × %(rate)s = %(amount)s（%(note)s）"),
                    loss=yuan_value(claim.loss_amount),
                    rate=rate_value(rate),
                    amount=yuan_value(amount),
                    note=rate_note,
                ),
                input_notes=[
                    (note(N("贷款金额")), yuan_value(claim.loan_amount)),
                    (note(N("银行承担损失")), yuan_value(claim.loss_amount)),
                    (
                        note(N("申请补偿比例")),
                        "—" if requested is None else rate_value(requested),
                    ),
                    (note(N("最高补偿比例")), rate_value(max_rate)),
                ],
            )
        )
    return lines


# The policy numbers the rules read, as the reward page lists them: (key, label, kind).
POLICY_PARAMETERS = (
    ("broker_commission_rate", gettext_lazy("技术经纪人奖励比例"), "rate"),
    ("broker_commission_cap", gettext_lazy("技术经纪人奖励上限"), "money"),
    ("outstanding_individual_max_count", gettext_lazy("优秀个人每年名额"), "count"),
    ("outstanding_individual_cap", gettext_lazy("优秀个人奖励上限"), "money"),
    ("intermediary_first_above_scale_award", gettext_lazy("科技中介首次上规奖励"), "money"),
    ("demonstration_intermediary_max_count", gettext_lazy("示范机构每年名额"), "count"),
    ("demonstration_intermediary_cap", gettext_lazy("示范机构资助上限"), "money"),
    ("event_subsidy_rate_max", gettext_lazy("活动资助比例上限"), "rate"),
    ("event_subsidy_cap", gettext_lazy("活动资助上限"), "money"),
    ("poc_center_max_per_year", gettext_lazy("概念验证中心每年认定数"), "count"),
    ("poc_center_recognition_cap", gettext_lazy("认定一次性支持上限"), "money"),
    ("poc_center_review_every_years", gettext_lazy("绩效评估周期（年）"), "count"),
    ("poc_center_performance_rate", gettext_lazy("绩效奖励比例"), "rate"),
    ("poc_center_performance_cap", gettext_lazy("绩效奖励上限"), "money"),
    ("industrialisation_award_cap", gettext_lazy("产业化绩效奖励上限"), "money"),
    ("bank_loss_compensation_max_rate", gettext_lazy("“科保贷”损失补偿最高比例"), "rate"),
)


def policy_parameters(year: int) -> list[tuple[str, str]]:
    """The year's incentive numbers, formatted, in the order of the rules."""
    rows = []
    for name, label, kind in POLICY_PARAMETERS:
        value = incentive(name, year)
        if kind == "rate":
            text = percent(value)
        elif kind == "money":
            text = format_yuan(value)
        else:
            text = str(int(value))
        rows.append((str(label), text))
    return rows


RULES = (
    broker_commissions,
    outstanding_individuals,
    intermediary_above_scale,
    demonstration_intermediaries,
    event_subsidies,
    poc_recognitions,
    poc_performance,
    industrialisation_awards,
    loan_loss_compensations,
)


def compute_rewards(year: int) -> list[ComputedReward]:
    return [line for rule in RULES for line in rule(year)]
