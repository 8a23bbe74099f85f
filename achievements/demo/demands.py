"""Demo: more enterprises, their demands in factory language, matches staff reviewed and an
enterprise accepted, and inquiries from the showcase."""

from django.utils import timezone

from kernel.money import WAN
from towns.choices import EnterpriseStatus, Role
from towns.demo import DEMO_PASSWORD, demo_credit_code
from towns.models import Division, Enterprise, Industry, User
from towns.services import user_create

from ..choices import MatchStatus
from ..models import Demand, ShowcaseEntry
from ..services.demands import (
    demand_create,
    inquiry_create,
    inquiry_follow_up,
    match_accept,
    match_decline,
    match_index_rebuild,
    match_propose,
    match_reject,
    matches_recompute,
)
from .market_data import DEMANDS, ENTERPRISES


def _enterprises(ctx) -> None:
    divisions = {division.code: division for division in Division.objects.all()}
    industries = {industry.code: industry for industry in Industry.objects.all()}
    for username, person, company, division, industry, body, status in ENTERPRISES:
        enterprise = Enterprise.objects.get_or_create(
            credit_code=demo_credit_code(body),
            defaults={
                "name": company,
                "division": divisions[division],
                "industry": industries[industry],
                "status": status,
                "contact_name": person,
                "contact_phone": f"0769-2{ctx.rng.randrange(10_000_000):07d}",
                "reviewed_by": ctx.users["center_chen"]
                if status == EnterpriseStatus.APPROVED
                else None,
                "reviewed_at": timezone.now() if status == EnterpriseStatus.APPROVED else None,
            },
        )[0]
        user = User.objects.filter(username=username).first() or user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=Role.ENTERPRISE,
            name=person,
            enterprise=enterprise,
            email=f"{username}@demo.dgkjcg.local",
            phone=enterprise.contact_phone,
        )
        ctx.users[username] = user
        ctx.logins.append((username, person, f"{user.get_role_display()}（{company}）"))


def _demands(ctx) -> list[Demand]:
    fields = {industry.code: industry for industry in Industry.objects.all()}
    demands = []
    for username, kind, title, description, field, budget, days in DEMANDS:
        user = ctx.users[username]
        demand = Demand.objects.filter(enterprise=user.enterprise, title=title).first()
        if demand is None:
            low, high = budget
            demand = demand_create(
                acting_user=user,
                enterprise=user.enterprise,
                kind=kind,
                title=title,
                description=description,
                field=fields[field],
                division=user.enterprise.division,
                budget_min=low * WAN if low is not None else None,
                budget_max=high * WAN if high is not None else None,
                deadline=timezone.localdate() + timezone.timedelta(days=days),
                contact_name=user.display_name,
                contact_phone=user.enterprise.contact_phone or "0769-22881234",
                contact_email=user.email,
            )
        demands.append(demand)
    return demands


def _review(ctx, demands: list[Demand]) -> None:
    """Staff propose the best two suggestions of most demands and set the third aside; some
    enterprises answer. Only demands nobody reviewed yet are touched (idempotent)."""
    staff = ctx.users["center_chen"]
    for index, demand in enumerate(demands[:10]):
        if demand.matches.exclude(status=MatchStatus.SUGGESTED).exists():
            continue
        suggested = list(demand.matches.filter(status=MatchStatus.SUGGESTED).ranked()[:3])
        proposed = [
            match_propose(m, acting_user=staff, note="与贵司问题高度相关，建议安排技术交流。")
            for m in suggested[:2]
        ]
        if len(suggested) == 3:
            match_reject(
                suggested[2], acting_user=staff, reason="技术成熟度不足，暂不适合企业量产需求。"
            )
        owner = User.objects.filter(enterprise=demand.enterprise, role=Role.ENTERPRISE).first()
        if proposed and index in (0, 3, 7):
            match_accept(proposed[0], acting_user=owner)
        if len(proposed) > 1 and index in (3, 9):
            match_decline(proposed[1], acting_user=owner, reason="预算暂不匹配，后续再联系。")


def _inquiries(ctx) -> None:
    staff = ctx.users["center_lin"]
    entries = list(ShowcaseEntry.objects.public().order_by("key"))
    if not entries:
        return
    picks = [("enterprise1", 0), ("enterprise1", 5), ("enterprise3", 11), ("enterprise5", 7)]
    for step, (username, offset) in enumerate(picks):
        user = ctx.users[username]
        entry = entries[offset % len(entries)]
        inquiry, created = inquiry_create(
            acting_user=user,
            entry=entry,
            contact_name=user.display_name,
            contact_phone=user.enterprise.contact_phone or "0769-22881234",
            message="想了解该成果的应用案例、合作方式和大致费用。",
        )
        if created and step == 0:
            inquiry_follow_up(
                inquiry,
                acting_user=staff,
                status="following",
                note="已电话联系企业，约定下周与成果团队线上交流。",
            )


def seed(ctx) -> None:
    _enterprises(ctx)
    match_index_rebuild()
    demands = _demands(ctx)
    for demand in demands:
        matches_recompute(demand_id=demand.pk)
    _review(ctx, demands)
    # After a review the next recompute tops the suggestions up again; do it now, so that a
    # second run of the demo finds the steady state and adds nothing.
    for demand in demands:
        matches_recompute(demand_id=demand.pk)
    _inquiries(ctx)
    ctx.say(f"企业需求：{len(demands)} 项，推荐与对接记录已生成")
