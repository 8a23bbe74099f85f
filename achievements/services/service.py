"""Writes of the service library: assignment (包干制), milestone plans, monthly follow-ups, the
monthly check for missing follow-ups and the escalation of stalled cases."""

import logging
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kernel.audit import record_updates
from kernel.exceptions import Refused
from towns.choices import Role
from towns.models import User
from towns.services import notification_send

from ..choices import AchievementStatus, EscalationOutcome, EscalationTier
from ..models import (
    Achievement,
    Assignment,
    Escalation,
    EscalationInstruction,
    FollowUp,
    FollowUpFlag,
    FollowUpReminder,
    Milestone,
    MilestoneTemplate,
)
from ..selectors.service import (
    city_leaders_for,
    current_assignment,
    eligible_assignees,
    escalation_routing,
    escalation_tier,
    first_of_month,
    next_follow_up_due,
    previous_month,
    stalled_cutoff,
    start_of_day,
    with_case_facts,
)

logger = logging.getLogger(__name__)


def _notify(**kwargs) -> None:
    # In the same transaction as the change it tells of: both are saved, or neither.
    notification_send(**kwargs)


def _month(first_day: date) -> str:
    """A month as the reader's language writes it (2026年3月, March 2026)."""
    return date_format(first_day, "YEAR_MONTH_FORMAT")


def _case_url(achievement: Achievement) -> str:
    return reverse("achievements:service_case_detail", args=[achievement.pk])


def _lock_open_case(achievement: Achievement) -> Achievement:
    """Lock the achievement row; only a case in the service library, not yet landed, changes."""
    locked = Achievement.objects.select_for_update().get(pk=achievement.pk)
    if locked.status != AchievementStatus.SERVICE:
        raise Refused(
            _("成果当前状态为“%(status)s”，只有服务库中尚未落地的成果可以办理。")
            % {"status": locked.get_status_display()}
        )
    return locked


# --- Assignment ---------------------------------------------------------------------------------


@transaction.atomic
def assignment_assign(
    *, achievement: Achievement, assignee: User, acting_user: User, note: str = ""
) -> Assignment:
    """Make `assignee` the one responsible person; the previous assignment ends now."""
    locked = _lock_open_case(achievement)
    if not eligible_assignees(locked).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("责任人应为服务中心工作人员或发现单位的成果联络员。")})
    previous = current_assignment(locked)
    if previous is not None and previous.assignee_id == assignee.pk:
        raise ValidationError(
            {"assignee": _("%(name)s 已是当前责任人。") % {"name": assignee.display_name}}
        )
    now = timezone.now()
    ended = previous is not None and (
        Assignment.objects.filter(pk=previous.pk, ended_at__isnull=True).update(ended_at=now)
    )
    if ended:
        record_updates(Assignment, [previous.pk], user=acting_user, reason=_("更换责任人"))
    assignment = Assignment.objects.create(
        achievement=locked, assignee=assignee, assigned_by=acting_user, note=note, started_at=now
    )
    _notify(
        recipients=[assignee],
        kind="service_assigned",
        title=_("您已成为“%(title)s”的包干责任人") % {"title": locked.title},
        body=note,
        url=_case_url(locked),
    )
    if previous is not None and previous.assignee_id != acting_user.pk:
        _notify(
            recipients=[previous.assignee],
            kind="service_reassigned",
            title=_("“%(title)s”已改由 %(name)s 负责")
            % {"title": locked.title, "name": assignee.display_name},
            url=_case_url(locked),
        )
    return assignment


# --- Milestones ---------------------------------------------------------------------------------


@transaction.atomic
def milestone_plan_apply(
    *, achievement: Achievement, template: MilestoneTemplate, start_on: date, acting_user: User
) -> list[Milestone]:
    """Give a case the milestone plan of a template: each step due its offset after the start."""
    locked = _lock_open_case(achievement)
    if locked.milestones.exists():
        raise ValidationError(_("该成果已有里程碑计划。"))
    steps = list(template.steps.order_by("order"))
    if not steps:
        raise ValidationError({"template": _("该模板没有任何节点。")})
    milestones = [
        Milestone(
            achievement=locked,
            template=template,
            order=step.order,
            title=step.title,
            due_on=start_on + timedelta(days=step.offset_days),
            created_by=acting_user,
        )
        for step in steps
    ]
    for milestone in milestones:
        milestone._history_user = acting_user
        milestone.save()
    return milestones


@transaction.atomic
def milestone_complete(
    *, milestone: Milestone, acting_user: User, done_on: date | None = None
) -> Milestone:
    """A step is reached: it counts as progress and ends a stalled case's escalation."""
    _lock_open_case(milestone.achievement)
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if locked.done_on is not None:
        raise Refused(_("该节点已于 %(date)s 完成。") % {"date": locked.done_on})
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("完成日期不能晚于今天。")})
    locked.done_on, locked.done_by = done_on, acting_user
    locked._history_user = acting_user
    locked.save()
    _escalation_resolve(
        locked.achievement_id,
        acting_user=acting_user,
        resolution=_("里程碑“%(title)s”已完成") % {"title": locked.title},
    )
    return locked


# --- Monthly follow-up --------------------------------------------------------------------------


@transaction.atomic
def follow_up_record(
    *,
    achievement: Achievement,
    acting_user: User,
    followed_on: date,
    progress: str,
    next_step: str,
    route_status: str,
    has_progress: bool,
    blockers: str = "",
) -> FollowUp:
    """The month's follow-up record of a case (one per month; the date decides the month)."""
    locked = _lock_open_case(achievement)
    if followed_on > timezone.localdate():
        raise ValidationError({"followed_on": _("跟踪日期不能晚于今天。")})
    entered = (
        timezone.localtime(locked.service_entered_at).date() if locked.service_entered_at else None
    )
    if entered and followed_on < first_of_month(entered):
        raise ValidationError({"followed_on": _("跟踪日期早于成果进入服务库的月份。")})
    period = first_of_month(followed_on)
    follow_up = FollowUp(
        achievement=locked,
        period=period,
        followed_on=followed_on,
        progress=progress,
        next_step=next_step,
        blockers=blockers,
        route_status=route_status,
        has_progress=has_progress,
        recorded_by=acting_user,
    )
    follow_up.full_clean(validate_unique=False, validate_constraints=False)
    follow_up._history_user = acting_user
    try:
        with transaction.atomic():
            follow_up.save()
    except IntegrityError:
        raise ValidationError(
            {"followed_on": _("%(month)s 已有跟踪记录，请修改该记录。") % {"month": _month(period)}}
        ) from None
    flags = FollowUpFlag.objects.filter(achievement=locked, period=period, resolved_at__isnull=True)
    flag_pks = list(flags.values_list("pk", flat=True))
    if flag_pks:
        FollowUpFlag.objects.filter(pk__in=flag_pks).update(resolved_at=timezone.now())
        record_updates(FollowUpFlag, flag_pks, user=acting_user, reason=_("已补录跟踪"))
    _progress_recorded(follow_up, acting_user=acting_user)
    return follow_up


@transaction.atomic
def follow_up_update(
    *,
    follow_up: FollowUp,
    acting_user: User,
    progress: str,
    next_step: str,
    route_status: str,
    has_progress: bool,
    blockers: str = "",
) -> FollowUp:
    """Correct a follow-up record; its date (and so its month) stays."""
    _lock_open_case(follow_up.achievement)
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    locked.progress, locked.next_step, locked.blockers = progress, next_step, blockers
    locked.route_status, locked.has_progress = route_status, has_progress
    locked.full_clean(validate_unique=False, validate_constraints=False)
    locked._history_user = acting_user
    locked.save()
    _progress_recorded(locked, acting_user=acting_user)
    return locked


def _progress_recorded(follow_up: FollowUp, *, acting_user: User) -> None:
    """A follow-up with real progress takes a stalled case off the escalation list."""
    if follow_up.has_progress:
        _escalation_resolve(
            follow_up.achievement_id,
            acting_user=acting_user,
            resolution=_("%(date)s 跟踪记录有实质性进展") % {"date": follow_up.followed_on},
        )


def follow_ups_flag_missing(*, today: date | None = None) -> list[FollowUpFlag]:
    """On the 1st: flag each case that was in the service library last month and has no
    follow-up for it, and tell its responsible person. A re-run flags nothing twice."""
    today = today or timezone.localdate()
    period = previous_month(today)
    missing = (
        Achievement.objects.filter(
            status=AchievementStatus.SERVICE,
            service_entered_at__lt=start_of_day(first_of_month(today)),
        )
        .exclude(follow_ups__period=period)
        .filter(~Exists(FollowUpFlag.objects.filter(achievement=OuterRef("pk"), period=period)))
        .order_by("pk")
    )
    flags = []
    for achievement in missing:
        with transaction.atomic():
            assignment = current_assignment(achievement)
            responsible = assignment.assignee if assignment else None
            try:
                with transaction.atomic():
                    flag = FollowUpFlag.objects.create(
                        achievement=achievement, period=period, responsible=responsible
                    )
            except IntegrityError:
                continue
            flags.append(flag)
            if responsible is not None:
                _notify(
                    recipients=[responsible],
                    kind="follow_up_overdue",
                    title=_("“%(title)s”缺少 %(month)s 的月度跟踪记录")
                    % {"title": achievement.title, "month": _month(period)},
                    body=_("请尽快补录跟踪记录（日期填该月内的实际跟踪日期）。"),
                    url=_case_url(achievement),
                )
    logger.info("flagged %d cases without a follow-up for %s", len(flags), period)
    return flags


@transaction.atomic
def follow_up_remind(
    *, achievement: Achievement, acting_user: User, today: date | None = None
) -> FollowUpReminder:
    """Staff ask a case's responsible person to follow it up (催办): once a day per case. The
    case row is locked and the day is unique per case, so two members of staff reminding at the
    same moment send one reminder, and the second is told who already did."""
    today = today or timezone.localdate()
    locked = _lock_open_case(achievement)
    assignment = current_assignment(locked)
    if assignment is None:
        raise Refused(_("该成果尚未分配包干责任人，请先分配。"))
    earlier = (
        FollowUpReminder.objects.filter(achievement=locked, sent_on=today)
        .select_related("sent_by")
        .first()
    )
    if earlier is not None:
        raise Refused(
            _("今天已由 %(name)s 提醒过责任人，明天可再次提醒。")
            % {"name": earlier.sent_by.display_name}
        )
    try:
        with transaction.atomic():
            reminder = FollowUpReminder.objects.create(
                achievement=locked,
                responsible=assignment.assignee,
                sent_by=acting_user,
                sent_on=today,
            )
    except IntegrityError as error:
        raise Refused(_("今天已提醒过责任人，明天可再次提醒。")) from error
    facts = with_case_facts(Achievement.objects.filter(pk=locked.pk), today=today).get()
    due = next_follow_up_due(facts, today=today)
    body = (
        _("请在 %(date)s 前填写 %(month)s 的月度跟踪记录。")
        % {"date": due.due_on, "month": _month(due.period)}
        if due is not None
        else ""
    )
    _notify(
        recipients=[assignment.assignee],
        kind="follow_up_reminder",
        title=_("%(name)s 提醒您跟进“%(title)s”")
        % {"name": acting_user.display_name, "title": locked.title},
        body=body,
        url=_case_url(locked),
    )
    return reminder


# --- Escalation ---------------------------------------------------------------------------------


def _escalation_url(escalation: Escalation) -> str:
    return reverse("achievements:service_escalation_detail", args=[escalation.pk])


def _escalation_resolve(achievement_id: int, *, acting_user: User, resolution: str) -> None:
    """Progress (or the landing) clears the case's open escalation."""
    for escalation in (
        Escalation.objects.open().select_for_update().filter(achievement_id=achievement_id)
    ):
        escalation.resolved_at = timezone.now()
        escalation.resolution = resolution[:200]
        escalation.outcome = EscalationOutcome.CLEARED
        escalation._history_user = acting_user
        escalation.save()


def _lock_open_escalation(escalation: Escalation) -> Escalation:
    locked = (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("achievement")
        .get(pk=escalation.pk)
    )
    if not locked.is_open:
        raise Refused(
            _("该报送已于 %(date)s %(outcome)s，不能再办理。")
            % {
                "date": timezone.localtime(locked.resolved_at).date(),
                "outcome": locked.get_outcome_display(),
            }
        )
    return locked


def _tell_responsible(
    escalation: Escalation, *, acting_user: User, kind: str, title: str, body: str
) -> None:
    assignment = current_assignment(escalation.achievement)
    if assignment is not None and assignment.assignee_id != acting_user.pk:
        _notify(
            recipients=[assignment.assignee],
            kind=kind,
            title=title,
            body=body,
            url=_escalation_url(escalation),
        )


@transaction.atomic
def escalation_instruct(
    *, escalation: Escalation, acting_user: User, text: str
) -> EscalationInstruction:
    """A leader's instruction (批示) on an open escalation; the responsible person is told."""
    locked = _lock_open_escalation(escalation)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写批示内容。")})
    instruction = EscalationInstruction(escalation=locked, text=text, author=acting_user)
    instruction.full_clean()
    instruction._history_user = acting_user
    instruction.save()
    _tell_responsible(
        locked,
        acting_user=acting_user,
        kind="escalation_instructed",
        title=_("%(name)s 对“%(title)s”作出批示")
        % {"name": acting_user.display_name, "title": locked.achievement.title},
        body=text,
    )
    return instruction


@transaction.atomic
def escalation_handle(*, escalation: Escalation, acting_user: User, resolution: str) -> Escalation:
    """The leader (or staff) closes an escalation as handled (已办结), saying why."""
    locked = _lock_open_escalation(escalation)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("请填写办结说明。")})
    if len(resolution) > 200:
        raise ValidationError({"resolution": _("办结说明不能超过 200 个字。")})
    locked.resolved_at = timezone.now()
    locked.resolution = resolution
    locked.outcome = EscalationOutcome.HANDLED
    locked.resolved_by = acting_user
    locked._history_user = acting_user
    locked.save()
    _tell_responsible(
        locked,
        acting_user=acting_user,
        kind="escalation_handled",
        title=_("“%(title)s”的久推不动报送已由 %(name)s 办结")
        % {"title": locked.achievement.title, "name": acting_user.display_name},
        body=resolution,
    )
    return locked


def _notify_admins_unrouted(achievement: Achievement) -> None:
    _notify(
        recipients=User.objects.filter(is_active=True).filter(
            Q(role=Role.ADMIN) | Q(is_superuser=True)
        ),
        kind="escalation_unrouted",
        title=_("未能报送：“%(title)s”所属产业领域未设置分管市领导") % {"title": achievement.title},
        body=_("请在后台为“%(field)s”指定分管市领导，或在“久推不动报送设置”中设置默认分管市领导。")
        % {"field": achievement.field.name},
        url=reverse("admin:achievements_escalationsettings_changelist"),
    )


def _notify_escalated(escalation: Escalation, case: Achievement, recipients, *, today: date):
    days = (today - escalation.last_progress_on).days
    _notify(
        recipients=recipients,
        kind="service_escalated",
        title=_("久推不动：“%(title)s”已 %(days)d 天无实质性进展")
        % {"title": case.title, "days": days},
        body=_("报送层级：%(tier)s。最近进展日期：%(date)s。")
        % {"tier": EscalationTier(escalation.tier).label, "date": escalation.last_progress_on},
        url=_escalation_url(escalation),
    )


def escalations_route_pending(*, today: date | None = None) -> int:
    """Report the open escalations that found no city leader to the leaders now set for them
    (an industry assignment or the default). Runs with the daily job and when admins save the
    setting; an escalation still without a leader stays a visible problem."""
    today = today or timezone.localdate()
    routed = 0
    pending = Escalation.objects.open().filter(unrouted=True).values_list("pk", flat=True)
    for pk in list(pending):
        with transaction.atomic():
            escalation = (
                Escalation.objects.open()
                .select_for_update(of=("self",))
                .filter(pk=pk, unrouted=True)
                .select_related("achievement")
                .first()
            )
            if escalation is None:
                continue
            leaders = city_leaders_for(escalation.achievement)
            if not leaders:
                continue
            escalation.unrouted = False
            escalation.save(update_fields=["unrouted"])
            escalation.recipients.add(*leaders)
            _notify_escalated(escalation, escalation.achievement, leaders, today=today)
            routed += 1
    if routed:
        logger.info("routed %d escalations that had no city leader", routed)
    return routed


def escalations_refresh(*, today: date | None = None) -> list[Escalation]:
    """Put every case without progress since the cutoff on the escalation list of its tier and
    notify the tier. A case already on the list is not escalated again. A ≥ 5亿元 case whose
    industry has no city leader (and no default is set) is kept as `unrouted` and the admins
    are told."""
    today = today or timezone.localdate()
    escalations_route_pending(today=today)
    stalled = (
        with_case_facts(Achievement.objects.filter(status=AchievementStatus.SERVICE), today=today)
        .filter(last_progress_on__lte=stalled_cutoff(today), is_escalated=False)
        # A leader who closed the escalation (已办结) closed this stall: only new progress that
        # stalls again escalates the case again.
        .exclude(
            Exists(
                Escalation.objects.filter(
                    achievement=OuterRef("pk"),
                    outcome=EscalationOutcome.HANDLED,
                    last_progress_on__gte=OuterRef("last_progress_on"),
                )
            )
        )
        .order_by("pk")
    )
    created = []
    for case in stalled:
        tier = escalation_tier(case.expected_contribution, year=today.year)
        routing = escalation_routing(case, tier)
        try:
            with transaction.atomic():
                escalation = Escalation.objects.create(
                    achievement=case,
                    tier=tier,
                    expected_contribution=case.expected_contribution,
                    last_progress_on=case.last_progress_on,
                    unrouted=routing.unrouted,
                )
                escalation.recipients.set(routing.recipients)
                _notify_escalated(escalation, case, routing.recipients, today=today)
                if routing.unrouted:
                    _notify_admins_unrouted(case)
        except IntegrityError:
            continue
        created.append(escalation)
    logger.info("escalated %d stalled cases", len(created))
    return created
