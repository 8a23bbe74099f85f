"""Writes of landing: evidence, the landing-standard check, verification, the economic
contribution and, for a mistake, revoking a verification.

The check is a Celery task queued whenever evidence changes (and nightly); verification always
re-evaluates the evidence under a row lock, so it never relies on a stale check.
"""

import logging
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.exceptions import Refused
from kernel.transitions import transition
from kernel.uploads import validate_document
from kernel.wording import clause_separator, list_separator
from towns.choices import Role
from towns.models import Division, User
from towns.outbox import outbox_enqueue
from towns.services import notification_send

from ..choices import (
    AchievementStatus,
    EvidenceKind,
    EvidenceSource,
    LandingRule,
    LandingState,
)
from ..models import Achievement, Landing, LandingEvidence
from ..selectors.landing import (
    EVIDENCE_SPECS,
    check_achievement,
    evidence_kinds_for,
    landing_credit,
    landmark_for,
)
from ..selectors.service import current_assignment
from .core import achievement_change_status
from .service import _escalation_resolve

logger = logging.getLogger(__name__)

# Evidence may change while the achievement is in the service library (and, for an achievement
# landed before the portal recorded landings, until its landing is verified).
EVIDENCE_STATUSES = frozenset({AchievementStatus.SERVICE, AchievementStatus.LANDED})


def _detail_url(achievement_id: int) -> str:
    return reverse("achievements:achievement_detail", args=[achievement_id]) + "#landing"


def _queue_check(achievement_id: int) -> None:
    from ..tasks.landing import task_landing_check

    outbox_enqueue(task_landing_check, achievement_id=achievement_id)


def _lock_for_evidence(achievement: Achievement) -> Achievement:
    locked = Achievement.objects.select_for_update().get(pk=achievement.pk)
    verified = Landing.objects.filter(achievement=locked, state=LandingState.LANDED).exists()
    if locked.status not in EVIDENCE_STATUSES or verified:
        raise Refused(
            _("成果当前状态为“%(status)s”，不能再修改落地证据。")
            % {"status": locked.get_status_display()}
        )
    return locked


# --- Evidence -----------------------------------------------------------------------------------

EVIDENCE_FIELDS = (
    "entity_name",
    "credit_code",
    "division",
    "registration_mode",
    "license_direction",
    "counterparty",
    "authority",
    "reference_number",
    "subject",
    "amount",
    "team_size",
    "occurred_on",
    "note",
)


_TEXT_FIELDS = frozenset(
    {
        "entity_name",
        "credit_code",
        "registration_mode",
        "license_direction",
        "counterparty",
        "authority",
        "reference_number",
        "subject",
        "note",
    }
)


def _apply(evidence: LandingEvidence, data: dict) -> None:
    """Copy the fields this kind of evidence records (others are ignored), then validate."""
    allowed = {*EVIDENCE_SPECS[evidence.kind].field_names, "note"}
    for name in EVIDENCE_FIELDS:
        if name not in data or name not in allowed:
            continue
        value = data[name]
        if name in _TEXT_FIELDS:
            value = (value or "").strip()
        if name == "credit_code":
            value = value.upper().replace(" ", "")
        setattr(evidence, name, value)
    document = data.get("document")
    if document:
        try:
            validate_document(document)
        except ValidationError as error:
            raise ValidationError({"document": error.messages}) from None
        evidence.document = document
        evidence.document_name = (getattr(document, "name", "") or "").rsplit("/", 1)[-1][:200]
    if evidence.occurred_on and evidence.occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("日期不能晚于今天。")})
    evidence.full_clean(validate_constraints=False)


@transaction.atomic
def landing_evidence_record(
    *,
    achievement: Achievement,
    kind: str,
    data: dict,
    acting_user: User,
    source: str = EvidenceSource.MANUAL,
    source_reference: str = "",
) -> LandingEvidence:
    """Record one piece of evidence; the landing check runs after the commit."""
    locked = _lock_for_evidence(achievement)
    EvidenceKind(kind)
    if kind not in evidence_kinds_for(locked.kind):
        raise ValidationError(
            _("“%(evidence)s”不是%(kind)s成果的落地证据。")
            % {"evidence": EvidenceKind(kind).label, "kind": locked.get_kind_display()}
        )
    evidence = LandingEvidence(
        achievement=locked,
        kind=kind,
        source=source,
        source_reference=source_reference,
        recorded_by=acting_user,
    )
    _apply(evidence, data)
    evidence._history_user = acting_user
    try:
        with transaction.atomic():
            evidence.save()
    except IntegrityError:
        raise ValidationError(
            _("编号为 %(ref)s 的记录已作为该成果的落地证据。") % {"ref": source_reference}
        ) from None
    _queue_check(locked.pk)
    return evidence


@transaction.atomic
def landing_evidence_update(
    *, evidence: LandingEvidence, data: dict, acting_user: User
) -> LandingEvidence:
    _lock_for_evidence(evidence.achievement)
    locked = LandingEvidence.objects.select_for_update().get(pk=evidence.pk)
    _apply(locked, data)
    locked._history_user = acting_user
    locked.save()
    _queue_check(locked.achievement_id)
    return locked


@transaction.atomic
def landing_evidence_delete(*, evidence: LandingEvidence, acting_user: User) -> None:
    _lock_for_evidence(evidence.achievement)
    achievement_id = evidence.achievement_id
    evidence._history_user = acting_user
    evidence.delete()
    _queue_check(achievement_id)


# --- The check ----------------------------------------------------------------------------------


def _proposal_recipients(achievement: Achievement) -> list[User]:
    assignment = current_assignment(achievement)
    if assignment is not None:
        return [assignment.assignee]
    return list(User.objects.filter(role=Role.CENTER_STAFF, is_active=True).order_by("pk"))


@transaction.atomic
def landing_check(*, achievement_id: int, today: date | None = None) -> Landing | None:
    """Evaluate an achievement's evidence against the landing standards and record which
    clauses are met or what is missing; propose "landed" when one is met.

    Idempotent: the result depends only on the evidence, so a second run changes nothing and
    announces nothing again. A verified landing is left as it is.
    """
    achievement = Achievement.objects.select_for_update().filter(pk=achievement_id).first()
    if achievement is None:
        logger.info("landing check: achievement %s is gone", achievement_id)
        return None
    landing = Landing.objects.select_for_update().filter(achievement=achievement).first()
    if landing is not None and landing.state == LandingState.LANDED:
        return landing
    check = check_achievement(achievement, today=today)
    if landing is None and not achievement.landing_evidence.exists():
        return None
    state = LandingState.PROPOSED if check.is_met else LandingState.COLLECTING
    if achievement.status not in EVIDENCE_STATUSES:
        state = LandingState.COLLECTING
    now = timezone.now()
    if landing is None:
        landing = Landing(achievement=achievement)
    unchanged = landing.pk and (landing.state, landing.met_rules, landing.missing) == (
        state,
        check.met_rules,
        check.missing,
    )
    if unchanged:
        Landing.objects.filter(pk=landing.pk).update(checked_at=now)
        return landing
    newly_proposed = state == LandingState.PROPOSED and landing.state != LandingState.PROPOSED
    landing.state, landing.met_rules, landing.missing = state, check.met_rules, check.missing
    landing.checked_at = now
    landing.proposed_at = now if state == LandingState.PROPOSED else None
    landing._change_reason = _("落地标准核查")
    landing.save()
    if newly_proposed:
        rules = list_separator().join(str(LandingRule(rule).label) for rule in check.met_rules)
        recipients = _proposal_recipients(achievement)
        notification_send(
            recipients=recipients,
            kind="landing_proposed",
            title=_("“%(title)s”已满足落地标准，请核验认定") % {"title": achievement.title},
            body=_("满足条款：%(rules)s。") % {"rules": rules},
            url=_detail_url(achievement.pk),
        )
    return landing


def landing_check_all(*, today: date | None = None) -> int:
    """Nightly: re-check every achievement whose landing is not yet verified."""
    from ..selectors.landing import achievements_to_check

    count = 0
    for achievement_id in achievements_to_check().values_list("pk", flat=True):
        landing_check(achievement_id=achievement_id, today=today)
        count += 1
    logger.info("checked the landing evidence of %d achievements", count)
    return count


# --- Verification -------------------------------------------------------------------------------


@transaction.atomic
def landing_verify(
    *,
    achievement: Achievement,
    acting_user: User,
    rule: str,
    landed_on: date,
    division: Division,
    economic_contribution: Decimal | None = None,
    contribution_note: str = "",
    note: str = "",
) -> Landing:
    """Staff confirm the landing: the clause met, the date, where it landed and so the unit it
    is credited to; the achievement becomes landed. An achievement that was landed before the
    portal recorded landings gets its landing record the same way (补录核验)."""
    locked = (
        Achievement.objects.select_for_update()
        .select_related("discovering_unit")
        .get(pk=achievement.pk)
    )
    landing = Landing.objects.select_for_update().filter(achievement=locked).first()
    if landing is not None and landing.state == LandingState.LANDED:
        raise Refused(_("该成果已于 %(date)s 认定落地。") % {"date": landing.landed_on})
    if locked.status not in EVIDENCE_STATUSES:
        raise Refused(
            _("成果当前状态为“%(status)s”，只有服务库中的成果可以认定落地。")
            % {"status": locked.get_status_display()}
        )
    today = timezone.localdate()
    check = check_achievement(locked, today=today)
    result = check.result(rule)
    if result is None:
        raise ValidationError(
            {"rule": _("该条款不适用于%(kind)s成果。") % {"kind": locked.get_kind_display()}}
        )
    if not result.met:
        raise ValidationError(
            {
                "rule": _("所选条款尚未满足：%(missing)s")
                % {"missing": clause_separator().join(result.missing)}
            }
        )
    if landed_on > today:
        raise ValidationError({"landed_on": _("落地日期不能晚于今天。")})
    if result.met_on and landed_on < result.met_on:
        raise ValidationError(
            {
                "landed_on": _("落地日期早于证据显示满足标准的日期（%(date)s）。")
                % {"date": result.met_on}
            }
        )
    if economic_contribution is not None and economic_contribution < 0:
        raise ValidationError({"economic_contribution": _("综合经济贡献不能为负数。")})
    credited_unit, basis = landing_credit(locked, division=division, year=landed_on.year)
    now = timezone.now()
    verified = {
        "met_rules": check.met_rules,
        "missing": check.missing,
        "checked_at": now,
        "rule": rule,
        "landed_on": landed_on,
        "division": division,
        "credited_unit": credited_unit,
        "credit_basis": basis,
        "verified_by": acting_user,
        "verified_at": now,
        "verification_note": note,
    }
    if economic_contribution is not None:
        verified.update(
            economic_contribution=economic_contribution,
            contribution_note=contribution_note,
            contribution_recorded_by=acting_user,
            contribution_recorded_at=now,
        )
    contribution = (
        economic_contribution
        if economic_contribution is not None
        else (landing.economic_contribution if landing else None)
    )
    verified["landmark"] = landmark_for(contribution, year=landed_on.year)
    if landing is None:
        # An achievement landed before any evidence was checked: its record is born landed.
        landing = Landing(achievement=locked, state=LandingState.LANDED, **verified)
        landing._history_user = acting_user
        landing._change_reason = _("认定落地")
        landing.save()
    else:
        landing = transition(
            landing,
            to=LandingState.LANDED,
            acting_user=acting_user,
            reason=_("认定落地"),
            **verified,
        )
    reason = _("认定落地：%(rule)s") % {"rule": LandingRule(rule).label}
    if locked.status == AchievementStatus.SERVICE:
        achievement_change_status(
            locked,
            to=AchievementStatus.LANDED,
            allowed_from=[AchievementStatus.SERVICE],
            acting_user=acting_user,
            reason=reason,
        )
    _escalation_resolve(locked.pk, acting_user=acting_user, resolution=str(reason))
    liaisons = User.objects.filter(
        role=Role.LIAISON, unit_id=locked.discovering_unit_id, is_active=True
    )
    recipients = [*liaisons, *_proposal_recipients(locked)]
    notification_send(
        recipients=recipients,
        kind="landing_verified",
        title=_("“%(title)s”已认定落地") % {"title": locked.title},
        body=_("%(rule)s；落地日期 %(date)s；计入%(unit)s。")
        % {"rule": LandingRule(rule).label, "date": landed_on, "unit": credited_unit.name},
        url=_detail_url(locked.pk),
    )
    return landing


@transaction.atomic
def landing_contribution_record(
    *, landing: Landing, amount: Decimal, acting_user: User, note: str = ""
) -> Landing:
    """The landed achievement's comprehensive economic contribution; flags the landmarks."""
    locked = Landing.objects.select_for_update().get(pk=landing.pk)
    if locked.state != LandingState.LANDED:
        raise Refused(_("认定落地后才能录入综合经济贡献。"))
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("综合经济贡献不能为负数。")})
    locked.economic_contribution, locked.contribution_note = amount, note
    locked.contribution_recorded_by, locked.contribution_recorded_at = acting_user, timezone.now()
    locked.landmark = landmark_for(amount, year=locked.landed_on.year)
    locked._history_user = acting_user
    locked._change_reason = _("录入综合经济贡献")
    locked.save()
    return locked


@transaction.atomic
def landing_revoke(*, landing: Landing, acting_user: User, reason: str) -> Landing:
    """Undo a verification made in error: the achievement returns to the service library and
    the landing is checked again (its history keeps the revoked verification)."""
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤销原因。")})
    locked = Landing.objects.select_for_update().select_related("achievement").get(pk=landing.pk)
    if locked.state != LandingState.LANDED:
        raise Refused(_("该成果尚未认定落地。"))
    achievement_change_status(
        locked.achievement,
        to=AchievementStatus.SERVICE,
        allowed_from=[AchievementStatus.LANDED],
        acting_user=acting_user,
        reason=_("撤销落地认定：%(reason)s") % {"reason": reason},
    )
    locked = transition(
        locked,
        to=LandingState.COLLECTING,
        allowed_from=[LandingState.LANDED],
        acting_user=acting_user,
        reason=_("撤销落地认定"),
        rule="",
        landed_on=None,
        division=None,
        credited_unit=None,
        credit_basis="",
        verified_by=None,
        verified_at=None,
        verification_note=reason,
        landmark="",
    )
    return landing_check(achievement_id=locked.achievement_id)
