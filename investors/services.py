"""Every write of investor docking: one function per business action (`<noun>_<verb>`)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.models import Achievement
from brokers.models import Fund, VentureRound
from brokers.services import register_entry_save
from kernel.transitions import transition
from towns.models import User
from towns.selectors import center_staff
from towns.services import notification_send

from .choices import DockingStatus
from .exceptions import DockingTransitionNotAllowed
from .models import Docking, InvestorInterest
from .selectors import is_approved_investor, opportunities_for


def interest_express(
    *,
    acting_user: User,
    achievement: Achievement,
    intended_amount: Decimal | None = None,
    note: str = "",
) -> tuple[InvestorInterest, bool]:
    """An investor's institution expresses interest in an achievement awaiting landing.

    Once per institution and achievement (a unique constraint): a second click, or two at the
    same moment, returns the interest already there and `False`.
    """
    if not is_approved_investor(acting_user):
        raise ValidationError(_("创投机构注册审核通过后才能表达投资意向。"))
    if not opportunities_for(acting_user).filter(pk=achievement.pk).exists():
        raise ValidationError(_("该成果不在服务库待落地成果中，不能表达投资意向。"))
    institution_id = acting_user.enterprise_id
    existing = InvestorInterest.objects.filter(
        institution_id=institution_id, achievement=achievement
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            interest = InvestorInterest(
                institution_id=institution_id,
                achievement=achievement,
                expressed_by=acting_user,
                intended_amount=intended_amount,
                note=(note or "").strip(),
            )
            interest._history_user = acting_user
            interest.full_clean(validate_unique=False, validate_constraints=False)
            interest.save()
            notification_send(
                recipients=center_staff(),
                kind="investor_interest",
                title=_("创投机构表达投资意向：%(institution)s → %(title)s")
                % {"institution": acting_user.enterprise.name, "title": achievement.title},
                url=reverse("investors:interest_list"),
            )
    except IntegrityError:
        # Another click of the same institution won the race: theirs is the one interest.
        return (
            InvestorInterest.objects.get(institution_id=institution_id, achievement=achievement),
            False,
        )
    return interest, True


def _investor_users(interest: InvestorInterest):
    return interest.institution.users.filter(is_active=True)


@transaction.atomic
def docking_arrange(
    *,
    interest: InvestorInterest,
    acting_user: User,
    meeting_on: date,
    participants: str,
    place: str = "",
) -> Docking:
    """Staff arrange the docking meeting of an interest (one docking per interest)."""
    locked = InvestorInterest.objects.select_for_update().get(pk=interest.pk)
    if Docking.objects.filter(interest=locked).exists():
        raise ValidationError(_("该投资意向已安排对接，请勿重复安排。"))
    if not (participants or "").strip():
        raise ValidationError({"participants": _("请填写参会人员。")})
    docking = Docking(
        interest=locked,
        status=DockingStatus.ARRANGED,
        meeting_on=meeting_on,
        place=(place or "").strip(),
        participants=participants.strip(),
        arranged_by=acting_user,
    )
    docking._history_user = acting_user
    docking.full_clean(exclude=["interest"])
    docking.save()
    docking.log_transition(
        from_status="", to_status=DockingStatus.ARRANGED, actor=acting_user, reason=""
    )
    notification_send(
        recipients=_investor_users(locked),
        kind="docking_arranged",
        title=_("创投对接已安排：%(title)s") % {"title": locked.achievement.title},
        body=_("对接日期：%(date)s %(place)s") % {"date": meeting_on.isoformat(), "place": place},
        url=reverse("investors:docking_detail", args=[docking.pk]),
    )
    return docking


def docking_change_status(
    docking: Docking, *, to: str, acting_user: User, reason: str = "", **changes
) -> Docking:
    """A docking's status changes through the one transition function (row locked, the step
    checked against Docking.TRANSITIONS, who/when/why in its history and its timeline)."""
    return transition(
        docking,
        to=to,
        acting_user=acting_user,
        reason=reason,
        clean=["interest", "venture_round"],
        **changes,
    )


def docking_record_meeting(
    docking: Docking, *, acting_user: User, held_on: date, outcome: str, participants: str = ""
) -> Docking:
    """The meeting took place: its date, who came and what came of it."""
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("请填写对接结果。")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("对接日期不能晚于今天。")})
    return docking_change_status(
        docking,
        to=DockingStatus.HELD,
        acting_user=acting_user,
        reason=outcome.strip(),
        meeting_on=held_on,
        participants=(participants or "").strip() or docking.participants,
        outcome=outcome.strip(),
    )


@transaction.atomic
def docking_record_investment(
    docking: Docking,
    *,
    acting_user: User,
    round: str,
    amount: Decimal,
    invested_on: date,
    fund: Fund | None = None,
    note: str = "",
) -> Docking:
    """The institution invested: the investment becomes a venture round of the achievement
    (brokers' register, /venture-capital/), which counts in the 创投总额 KPI once the
    achievement has landed (brokers.selectors.venture_capital_raised_cumulative)."""
    locked = (
        Docking.objects.select_for_update()
        .select_related("interest__institution", "interest__achievement")
        .get(pk=docking.pk)
    )
    if locked.status not in Docking.TRANSITIONS[DockingStatus.INVESTED]:
        raise DockingTransitionNotAllowed(
            _("当前状态为“%(current)s”，不能登记投资。") % {"current": locked.get_status_display()}
        )
    venture_round = register_entry_save(
        instance=VentureRound(
            achievement=locked.interest.achievement,
            investor=locked.interest.institution.name,
            fund=fund,
            round=round,
            amount=amount,
            invested_on=invested_on,
            note=(note or "").strip() or _("创投对接（编号 %(pk)d）登记的投资") % {"pk": locked.pk},
        ),
        acting_user=acting_user,
    )
    done = docking_change_status(
        locked,
        to=DockingStatus.INVESTED,
        acting_user=acting_user,
        reason=_("登记投资，创投融资编号 %(pk)d") % {"pk": venture_round.pk},
        venture_round=venture_round,
    )
    notification_send(
        recipients=_investor_users(locked.interest),
        kind="docking_invested",
        title=_("投资已登记：%(title)s") % {"title": locked.interest.achievement.title},
        url=reverse("investors:docking_detail", args=[locked.pk]),
    )
    return done


def docking_close(docking: Docking, *, acting_user: User, reason: str) -> Docking:
    """The meeting led to no investment."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请说明未达成投资的原因。")})
    return docking_change_status(
        docking, to=DockingStatus.NO_DEAL, acting_user=acting_user, reason=reason.strip()
    )


def docking_cancel(docking: Docking, *, acting_user: User, reason: str) -> Docking:
    """The meeting will not take place."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请说明取消的原因。")})
    return docking_change_status(
        docking, to=DockingStatus.CANCELLED, acting_user=acting_user, reason=reason.strip()
    )
