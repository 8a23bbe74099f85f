"""The service-library part of `seed_demo`: every service-library case without a responsible
person gets one, a milestone plan (every other case), monthly follow-ups since it entered, and
the month-end flags and escalations the periodic jobs would have produced. Idempotent: a case
that already has an assignment is left alone."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from towns.choices import Role

from ..choices import AchievementStatus, EscalationTier, RouteStatus
from ..models import Achievement, Assignment, Escalation, MilestoneTemplate
from ..selectors.service import first_of_month, next_month, stalled_cutoff
from ..services.service import (
    assignment_assign,
    escalation_instruct,
    escalations_refresh,
    follow_up_record,
    follow_ups_flag_missing,
    milestone_complete,
    milestone_plan_apply,
)

# (progress, next step, blockers, route status)
PROGRESS = [
    (
        "与两家意向企业完成技术对接，企业提出联合中试需求。",
        "组织企业赴团队实验室考察。",
        "",
        RouteStatus.MATCHING,
    ),
    (
        "完成落地方案初稿，明确拟在镇街产业园设立运营主体。",
        "与园区确认载体面积和租金。",
        "团队核心成员尚未确定全职来莞时间。",
        RouteStatus.PLANNING,
    ),
    (
        "双方就技术许可费率达成一致，合同进入法务审核。",
        "完成合同签署并办理技术合同登记。",
        "",
        RouteStatus.CONTRACTING,
    ),
    (
        "新公司已完成工商注册，首批设备进场安装。",
        "完成设备调试，启动小批量试产。",
        "环评手续办理进度偏慢。",
        RouteStatus.IMPLEMENTING,
    ),
    ("中试线试运行，良率提升至85%。", "对接下游客户开展样品验证。", "", RouteStatus.IMPLEMENTING),
]
NO_PROGRESS = [
    (
        "电话回访团队负责人，项目暂无新进展。",
        "继续联系团队，了解投资方意向。",
        "投资方对估值存在分歧，谈判停滞。",
        RouteStatus.PAUSED,
    ),
    (
        "走访意向企业，企业表示需待年度预算批复后再议。",
        "下月再次对接企业决策层。",
        "企业投资决策周期较长。",
        RouteStatus.MATCHING,
    ),
]


def _escalated_when_due(escalations) -> None:
    """The daily job escalates a case the morning it crosses the stalled threshold: date the
    demo's escalations so, and the reports of past fortnights show them when they happened."""
    now = timezone.now()
    for escalation in escalations:
        due = escalation.last_progress_on + timedelta(days=settings.SERVICE_STALLED_AFTER_DAYS)
        moment = timezone.make_aware(datetime.combine(due, time(9)))
        Escalation.objects.filter(pk=escalation.pk).update(escalated_at=min(moment, now))


def _liaisons_by_unit(ctx) -> dict[int, object]:
    return {
        user.unit_id: user
        for user in ctx.users.values()
        if user.role == Role.LIAISON and user.unit_id is not None
    }


def seed_cases(ctx) -> None:
    staff = [ctx.users[name] for name in ("center_chen", "center_lin") if name in ctx.users]
    if not staff:
        return
    today = timezone.localdate()
    cases = list(
        Achievement.objects.filter(status=AchievementStatus.SERVICE)
        .filter(~Exists(Assignment.objects.filter(achievement=OuterRef("pk"))))
        .order_by(F("expected_contribution").desc(nulls_last=True), "pk")
    )
    if not cases:
        return
    liaisons = _liaisons_by_unit(ctx)
    templates = list(MilestoneTemplate.objects.filter(is_active=True).order_by("code"))
    cutoff = stalled_cutoff(today)
    for index, case in enumerate(cases):
        entered = timezone.localtime(case.service_entered_at).date()
        # The two largest old cases and every seventh one make no progress: 久推不动.
        stalled = entered <= cutoff and (index < 2 or index % 7 == 3)
        liaison = liaisons.get(case.discovering_unit_id)
        assignee = liaison if liaison is not None and index % 3 == 0 else staff[index % len(staff)]
        assignment = assignment_assign(
            achievement=case,
            assignee=assignee,
            acting_user=staff[0],
            note="请按月跟踪，重大事项当日报告。",
        )
        Assignment.objects.filter(pk=assignment.pk).update(started_at=case.service_entered_at)
        if templates and index % 2 == 0:
            plan = milestone_plan_apply(
                achievement=case,
                template=templates[index % len(templates)],
                start_on=entered,
                acting_user=assignee,
            )
            if not stalled:
                for milestone in plan:
                    if milestone.due_on + timedelta(days=5) < today and ctx.rng.random() < 0.8:
                        milestone_complete(
                            milestone=milestone,
                            acting_user=assignee,
                            done_on=milestone.due_on + timedelta(days=ctx.rng.randint(-5, 5)),
                        )
        _follow_ups(ctx, case, assignee, entered=entered, today=today, stalled=stalled, index=index)
    follow_ups_flag_missing(today=today)
    _escalated_when_due(escalations_refresh(today=today))
    _instruction(ctx)
    ctx.say(f"成果服务库：{len(cases)} 项成果已分配责任人并补充跟踪记录。")


def _follow_ups(ctx, case, assignee, *, entered, today, stalled, index) -> None:
    """Monthly records whose words agree with the days-without-progress counter: a record says
    what moved only when it counts as progress; a case that is not stalled never goes
    `SERVICE_STALLED_AFTER_DAYS` without one."""
    month = first_of_month(entered)
    this_month = first_of_month(today)
    step = quiet = 0
    last_progress = entered
    keep_moving = settings.SERVICE_STALLED_AFTER_DAYS - 45
    while month <= this_month:
        last_month = next_month(month) == this_month
        skip = (
            (last_month and index % 4 == 1)  # forgotten last month: flagged on the 1st
            or (month == this_month and index % 2 == 0)  # this month's not written yet
            or (month < this_month and not last_month and ctx.rng.random() < 0.1)
        )
        if not skip:
            day = min(month + timedelta(days=ctx.rng.randint(8, 26)), today)
            day = max(day, entered)
            moved = not stalled and (
                ctx.rng.random() < 0.6 or (day - last_progress).days >= keep_moving
            )
            if moved:
                progress, next_step, blockers, route = PROGRESS[min(step, len(PROGRESS) - 1)]
                step += 1
                last_progress = day
            else:
                progress, next_step, blockers, route = NO_PROGRESS[quiet % len(NO_PROGRESS)]
                quiet += 1
            follow_up_record(
                achievement=case,
                acting_user=assignee,
                followed_on=day,
                progress=progress,
                next_step=next_step,
                blockers=blockers,
                route_status=route,
                has_progress=moved,
            )
        month = next_month(month)


def _instruction(ctx) -> None:
    """The city leader has written a 批示 on the largest stalled case reported to them."""
    leader = ctx.users.get("leader_city")
    escalation = (
        Escalation.objects.open()
        .filter(tier=EscalationTier.CITY_LEADER, recipients=leader)
        .order_by(F("expected_contribution").desc(nulls_last=True), "pk")
        .first()
        if leader is not None
        else None
    )
    if escalation is not None and not escalation.instructions.exists():
        escalation_instruct(
            escalation=escalation,
            acting_user=leader,
            text="请市科技局牵头，会同所在镇街两周内召开专题协调会，协调解决投资方估值分歧，"
            "协调结果报我。",
        )
