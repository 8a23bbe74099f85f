"""Every write of the transfer ecosystem: one function per business action (`<noun>_<verb>`)."""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from simple_history.utils import bulk_create_with_history

from achievements.choices import AchievementStatus, EvidenceKind, EvidenceSource
from achievements.models import Achievement, LandingEvidence
from achievements.services.landing import landing_evidence_record
from kernel.exceptions import Refused
from kernel.money import format_yuan
from kernel.transitions import transition
from towns.choices import Role
from towns.models import User
from towns.policy import policy_int
from towns.services import notification_send

from .choices import (
    BrokerStatus,
    ImportStatus,
    PocStatus,
    RewardListStatus,
    SelectionStage,
)
from .exceptions import ActionRefused
from .imports import ContractImporter
from .models import (
    Broker,
    ContractBroker,
    ContractImport,
    DemonstrationTown,
    PocCenter,
    PocEvaluation,
    PocProject,
    RewardLine,
    RewardList,
    TechContract,
    TownSelection,
)
from .rewards import compute_rewards, is_review_year
from .selectors import achievement_dongguan_contracts, library_refusals, reward_four_eyes
from .shares import check_broker_shares

# A broker's certificate facts: changing any of them sends the record back for verification.
CERTIFICATE_FIELDS = (
    "certificate_level",
    "training_base",
    "certificate_number",
    "certificate_date",
    "certificate_file",
)


# --- Registers without a workflow ----------------------------------------------------------------


@transaction.atomic
def register_entry_refusal(instance) -> str:
    """Why an entry may no longer be edited ("" when it may): a town's selection file, once
    decided (认定 or not), is the record of what the decision was made on."""
    if isinstance(instance, TownSelection) and instance.stage != SelectionStage.NOMINATED:
        return _("该镇街已作认定（%(stage)s），遴选材料不能再修改。") % {
            "stage": instance.get_stage_display()
        }
    return ""


@transaction.atomic
def register_entry_save(*, instance, acting_user: User, m2m: dict | None = None):
    """Create or update a plain register entry (validated by its form), stamping who made it."""
    if instance.pk is None:
        instance.created_by = acting_user
    else:
        stored = type(instance).objects.select_for_update().get(pk=instance.pk)
        refusal = register_entry_refusal(stored)
        if refusal:
            raise ActionRefused(refusal)
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    return instance


# --- Brokers -------------------------------------------------------------------------------------


@transaction.atomic
def broker_create(*, acting_user: User, fields: Iterable = (), **values) -> Broker:
    """A broker applies (or staff register one): the certificate waits for verification."""
    broker = Broker(created_by=acting_user, status=BrokerStatus.PENDING, **values)
    if broker.user_id is None and acting_user.role == Role.BROKER:
        broker.user = acting_user
    broker.full_clean()
    broker.save()
    broker.fields.set(fields)
    return broker


@transaction.atomic
def broker_update(*, broker: Broker, acting_user: User, fields=None, **values) -> Broker:
    """Edit a profile; a changed certificate is verified again before it counts."""
    locked = Broker.objects.select_for_update().get(pk=broker.pk)
    certificate_changed = any(
        name in values and getattr(locked, name) != values[name] for name in CERTIFICATE_FIELDS
    )
    for name, value in values.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    if certificate_changed and locked.status != BrokerStatus.PENDING:
        locked = transition(
            locked,
            to=BrokerStatus.PENDING,
            acting_user=acting_user,
            reason=_("证书信息变更，需重新核验"),
        )
    if fields is not None:
        locked.fields.set(fields)
    return locked


def _broker_review(
    broker: Broker, *, to: str, acting_user: User, note: str, refusal: str, check=None
) -> Broker:
    """Verify or refuse a pending certificate: one step, its reviewer, the broker told."""
    locked = transition(
        broker,
        to=to,
        acting_user=acting_user,
        reason=note,
        refusal=refusal,
        check=check,
        queryset=Broker.objects.select_related("certificate_level", "training_base"),
        reviewed_by=acting_user,
        reviewed_at=timezone.now(),
        review_note=note,
    )
    if locked.user_id:
        verified = to == BrokerStatus.IN_LIBRARY
        notification_send(
            recipients=[locked.user],
            kind="broker_verified" if verified else "broker_rejected",
            title=_("您的技术经纪人证书已核验通过，已进入技术经纪（理）人库")
            if verified
            else _("您的技术经纪人证书核验未通过"),
            **({} if verified else {"body": note}),
            url=reverse("brokers:broker_me"),
        )
    return locked


def _eligible(locked: Broker) -> None:
    reasons = library_refusals(locked)
    if reasons:
        raise Refused(" ".join(reasons))


def broker_verify(*, broker: Broker, acting_user: User, note: str = "") -> Broker:
    """Staff checked the uploaded certificate: an eligible broker enters the library."""
    return _broker_review(
        broker,
        to=BrokerStatus.IN_LIBRARY,
        acting_user=acting_user,
        note=note,
        refusal=_("无需核验。"),
        check=_eligible,
    )


def broker_reject(*, broker: Broker, acting_user: User, note: str) -> Broker:
    if not note.strip():
        raise Refused(_("请填写未通过的原因。"))
    return _broker_review(
        broker,
        to=BrokerStatus.REJECTED,
        acting_user=acting_user,
        note=note,
        refusal=_("不能退回。"),
    )


# --- Technology contracts ------------------------------------------------------------------------


def _contract_links(contract, *, achievements, shares) -> None:
    contract.achievements.set(achievements)
    contract.broker_shares.all().delete()
    bulk_create_with_history(
        [ContractBroker(contract=contract, broker=broker, share=share) for broker, share in shares],
        ContractBroker,
    )


@transaction.atomic
def contract_register(
    *,
    acting_user: User,
    achievements: Iterable = (),
    shares: Sequence[tuple[Broker, Decimal]] = (),
    **values,
) -> TechContract:
    """Register a technology contract with its achievements and credited brokers."""
    check_broker_shares(shares)
    contract = TechContract(created_by=acting_user, **values)
    contract.full_clean()
    contract.save()
    _contract_links(contract, achievements=achievements, shares=shares)
    return contract


@transaction.atomic
def contract_update(
    *,
    contract: TechContract,
    acting_user: User,
    achievements: Iterable = (),
    shares: Sequence[tuple[Broker, Decimal]] = (),
    **values,
) -> TechContract:
    check_broker_shares(shares)
    locked = TechContract.objects.select_for_update().get(pk=contract.pk)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    _contract_links(locked, achievements=achievements, shares=shares)
    return locked


def contract_import_preview(*, uploaded, acting_user: User):
    """Keep the uploaded sheet and parse it; nothing is registered yet."""
    result = ContractImporter().parse(uploaded)
    uploaded.seek(0)
    record = ContractImport(
        uploaded_by=acting_user,
        original_name=uploaded.name[:200],
        row_count=len(result.rows),
    )
    record.file.save(uploaded.name, uploaded, save=False)
    record.save()
    return record, result


@transaction.atomic
def contract_import_confirm(*, contract_import: ContractImport, acting_user: User) -> int:
    """Register every row of a clean sheet in one transaction, or nothing."""
    claimed = ContractImport.objects.filter(
        pk=contract_import.pk, status=ImportStatus.PREVIEWED
    ).update(status=ImportStatus.CONFIRMED, confirmed_at=timezone.now())
    if not claimed:
        raise Refused(_("该文件已经导入，不能重复导入。"))
    with contract_import.file.open("rb") as handle:
        result = ContractImporter().parse(handle)
    if result.has_problems:
        raise Refused(_("表格仍有 %(n)d 处问题，未导入任何数据。") % {"n": len(result.issues)})
    for row in result.rows:
        data = dict(row.data)
        achievements = data.pop("achievements") or []
        shares = data.pop("brokers") or []
        contract_register(acting_user=acting_user, achievements=achievements, shares=shares, **data)
    return len(result.rows)


# --- Proof-of-concept centers --------------------------------------------------------------------


@transaction.atomic
def poc_center_recognise(
    *, center: PocCenter, year: int, support: Decimal, acting_user: User
) -> PocCenter:
    """Recognise a center for a year, within the yearly number of recognitions."""
    locked = PocCenter.objects.select_for_update().get(pk=center.pk)
    if locked.status != PocStatus.BUILDING:
        raise Refused(_("该中心已于%(year)d年认定。") % {"year": locked.recognised_year})

    def within_yearly_limit(locked: PocCenter) -> None:
        # Locking the year's recognised rows makes a second recognition wait for the first.
        already = list(
            PocCenter.objects.select_for_update()
            .filter(status=PocStatus.RECOGNISED, recognised_year=year)
            .values_list("pk", flat=True)
        )
        max_count = policy_int("incentives.poc_center_max_per_year", year=year)
        if len(already) >= max_count:
            raise Refused(
                _("%(year)d年已认定%(n)d家，达到每年不超过%(max)d家的限额。")
                % {"year": year, "n": len(already), "max": max_count}
            )

    return transition(
        locked,
        to=PocStatus.RECOGNISED,
        acting_user=acting_user,
        check=within_yearly_limit,
        clean=True,
        recognised_year=year,
        recognition_support=support,
        recognised_by=acting_user,
        recognised_at=timezone.now(),
    )


@transaction.atomic
def poc_evaluation_record(
    *, center: PocCenter, year: int, rating: str, note: str = "", acting_user: User
) -> PocEvaluation:
    """Record the biennial performance evaluation, held only in a review year."""
    every = policy_int("incentives.poc_center_review_every_years", year=year)
    if center.status != PocStatus.RECOGNISED:
        raise Refused(_("中心尚未认定，不能开展绩效评估。"))
    if not is_review_year(center.recognised_year, year, every):
        raise Refused(
            _("%(year)d年不是该中心的评估年度：认定（%(since)d年）后每%(every)d年评估一次。")
            % {"year": year, "since": center.recognised_year, "every": every}
        )
    if PocEvaluation.objects.filter(center=center, year=year).exists():
        raise Refused(_("该中心%(year)d年的绩效评估已登记。") % {"year": year})
    evaluation = PocEvaluation(
        center=center, year=year, rating=rating, note=note, created_by=acting_user
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation


@transaction.atomic
def poc_project_add(
    *, center: PocCenter, achievement, year: int, contribution: Decimal, acting_user: User
) -> PocProject:
    if achievement.status != AchievementStatus.LANDED:
        raise Refused(_("只能关联已落地的成果。"))
    project = PocProject(
        center=center,
        achievement=achievement,
        year=year,
        contribution=contribution,
        created_by=acting_user,
    )
    project.full_clean()
    project.save()
    return project


# --- Rewards -------------------------------------------------------------------------------------


def chinese_basis(line) -> str:
    """The stored text of a note is Chinese, whichever language the computing user reads."""
    with override("zh-hans"):
        return line.basis


@transaction.atomic
def reward_list_compute(*, year: int, acting_user: User) -> RewardList:
    """Compute the year's rewards by rule. A draft is replaced; an approved list is refused."""
    reward_list, _created = RewardList.objects.select_for_update().get_or_create(
        year=year, defaults={"computed_by": acting_user, "computed_at": timezone.now()}
    )
    if reward_list.is_approved:
        raise Refused(
            _("%(year)d年度奖励清单已于%(when)s审定，不能重新计算。")
            % {
                "year": year,
                "when": timezone.localtime(reward_list.approved_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    computed = compute_rewards(year)
    reward_list.lines.all().delete()
    bulk_create_with_history(
        [
            RewardLine(
                reward_list=reward_list,
                position=position,
                rule=line.rule,
                beneficiary=line.beneficiary[:200],
                broker_id=line.broker_id,
                inputs=[list(pair) for pair in line.input_notes],
                basis=chinese_basis(line)[:500],
                basis_note=line.basis_note,
                amount=line.amount,
            )
            for position, line in enumerate(computed, start=1)
        ],
        RewardLine,
    )
    reward_list.total = sum((line.amount for line in computed), Decimal(0))
    reward_list.computed_by = acting_user
    reward_list.computed_at = timezone.now()
    reward_list._change_reason = _("按规则计算")
    reward_list.save()
    return reward_list


@transaction.atomic
def reward_list_approve(*, reward_list: RewardList, acting_user: User) -> RewardList:
    """Approve the year's list (once): it is frozen from then on. Four eyes for money: the
    person who computed it may not approve it (unless an admin switched the rule off)."""
    locked = RewardList.objects.select_for_update().get(pk=reward_list.pk)
    if locked.is_approved:
        raise Refused(_("该奖励清单已审定。"))
    if reward_four_eyes() and locked.computed_by_id == acting_user.pk:
        raise Refused(_("四眼原则：奖励清单由您计算，须由另一位工作人员审定。"))
    reward_list = transition(
        locked,
        to=RewardListStatus.APPROVED,
        acting_user=acting_user,
        reason=_("审定"),
        approved_by=acting_user,
        approved_at=timezone.now(),
    )
    _notify_rewarded_brokers(reward_list)
    return reward_list


def _notify_rewarded_brokers(reward_list: RewardList) -> None:
    totals = (
        reward_list.lines.filter(broker__user__isnull=False, amount__gt=0)
        .values("broker__user")
        .annotate(total=Sum("amount"))
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=[t["broker__user"] for t in totals])}
    for row in totals:
        notification_send(
            recipients=[users[row["broker__user"]]],
            kind="reward_approved",
            title=_("%(year)d年度奖励清单已审定：您的奖励合计%(amount)s")
            % {"year": reward_list.year, "amount": format_yuan(row["total"])},
            url=reverse("brokers:broker_me"),
        )


# --- Landing evidence from a registered contract --------------------------------------------------


def contract_as_landing_evidence(
    *, contract: TechContract, achievement: Achievement, acting_user: User
) -> LandingEvidence:
    """Use a registered contract with a Dongguan party as the evidence of project clause (二)
    (transacted with a Dongguan entity), through the achievements landing service."""
    if not achievement_dongguan_contracts(achievement).filter(pk=contract.pk).exists():
        raise Refused(_("该合同不是此成果与东莞主体的技术合同。"))
    # The Dongguan party: the buyer (委托方) where it is in Dongguan, else the seller.
    if contract.buyer_division_id:
        name, division = contract.buyer_name, contract.buyer_division
    else:
        name, division = contract.seller_name, contract.seller_division
    return landing_evidence_record(
        achievement=achievement,
        kind=EvidenceKind.TRANSACTION,
        data={
            "entity_name": name,
            "division": division,
            "amount": contract.amount,
            "reference_number": contract.registration_number,
            "occurred_on": contract.registered_on,
            "subject": contract.title,
        },
        acting_user=acting_user,
        source=EvidenceSource.TECH_CONTRACT,
        source_reference=contract.registration_number,
    )


# --- 科技创新示范镇: selection and recognition --------------------------------------------------


@transaction.atomic
def town_selection_decide(
    *, selection: TownSelection, stage: str, note: str = "", acting_user: User
) -> TownSelection:
    """Recognise (认定) or turn down a nominated town. Recognition needs what seed 000 三(四)2
    asks: the town is a 创新强镇 and its 五个一 work mechanism is written down for all five fields;
    the town then enters the demonstration-town register (once)."""

    def recognisable(locked: TownSelection) -> None:
        if stage == SelectionStage.RECOGNISED:
            if not locked.innovation_strong_town:
                raise ActionRefused(_("示范镇须在创新强镇中遴选、认定：该镇街未标记为创新强镇。"))
            if not locked.mechanism_complete:
                raise ActionRefused(_("“五个一”工作机制尚未填写完整，不能认定。"))

    selection = transition(
        selection,
        to=stage,
        acting_user=acting_user,
        reason=note,
        refused=lambda locked: (
            _("当前状态为“%(stage)s”，不能再作认定。") % {"stage": locked.get_stage_display()}
        ),
        check=recognisable,
        decided_by=acting_user,
        decided_at=timezone.now(),
        decision_note=note,
    )
    if stage == SelectionStage.RECOGNISED:
        DemonstrationTown.objects.get_or_create(
            division=selection.division,
            defaults={
                "year": selection.year,
                "highlights": selection.support_role,
                "created_by": acting_user,
            },
        )
    return selection
