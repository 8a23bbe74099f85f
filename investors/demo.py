"""Demo data of investor docking: an approved venture-capital institution and its investor,
interests in achievements awaiting landing, a docking arranged and one that led to an
investment (a venture round naming a 子基金). Idempotent (matched by username and pairs)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from achievements.choices import AchievementStatus
from achievements.models import Achievement
from brokers.choices import InvestmentRound
from brokers.models import Fund
from evaluation.choices import Decision
from kernel.money import WAN
from towns.choices import EnterpriseKind
from towns.demo import DEMO_PASSWORD, demo_credit_code
from towns.models import Division, User
from towns.services import enterprise_register, enterprise_review

from . import services
from .choices import DockingStatus
from .models import Docking, InvestorInterest

INVESTOR_USERNAME = "investor_song"
INSTITUTION = "东莞松湖创新创业投资有限公司"


def _investor(ctx) -> User:
    user = User.objects.filter(username=INVESTOR_USERNAME).first()
    if user is None:
        user = enterprise_register(
            kind=EnterpriseKind.VENTURE_CAPITAL,
            name=INSTITUTION,
            credit_code=demo_credit_code("91441900MA5FWC8T"),
            division=Division.objects.get(code="441900401"),
            address="东莞松山湖高新区科技四路 1 号",
            contact_name="宋雨桐",
            contact_phone="0769-22896688",
            email=f"{INVESTOR_USERNAME}@demo.dgkjcg.local",
            username=INVESTOR_USERNAME,
            password=DEMO_PASSWORD,
        )
        enterprise_review(
            user.enterprise, acting_user=ctx.users["center_chen"], approve=True, note=""
        )
        user.refresh_from_db()
    ctx.users[INVESTOR_USERNAME] = user
    ctx.logins.append(
        (INVESTOR_USERNAME, user.display_name, f"{user.get_role_display()}（{INSTITUTION}）")
    )
    return user


def seed(ctx) -> None:
    investor = _investor(ctx)
    staff = ctx.users["center_chen"]
    # Achievements a batch selected first: their evaluation summary has something to show.
    awaiting = list(
        Achievement.objects.filter(
            status=AchievementStatus.SERVICE, evaluation_items__decision=Decision.SELECTED
        )
        .distinct()
        .order_by("-is_public", "pk")[:3]
    )
    notes = [
        "关注中试放大后的量产成本，拟以天使轮参与。",
        "团队与东莞企业已有合作基础，希望了解知识产权布局。",
        "看好应用场景，待对接后确定投资方式。",
    ]
    interests = [
        services.interest_express(
            acting_user=investor,
            achievement=achievement,
            intended_amount=Decimal(500 + 300 * index) * WAN,
            note=notes[index],
        )[0]
        for index, achievement in enumerate(awaiting)
    ]
    today = timezone.localdate()
    if interests and not Docking.objects.filter(interest=interests[0]).exists():
        docking = services.docking_arrange(
            interest=interests[0],
            acting_user=staff,
            meeting_on=today - timedelta(days=20),
            place="市科技成果转化服务中心 3 楼路演厅",
            participants="宋雨桐（松湖创投）、成果团队负责人、陈思远（服务中心）",
        )
        docking = services.docking_record_meeting(
            docking,
            acting_user=staff,
            held_on=today - timedelta(days=20),
            participants="",
            outcome="双方就估值与中试安排达成一致，机构决定以天使轮投资。",
        )
        services.docking_record_investment(
            docking,
            acting_user=staff,
            round=InvestmentRound.ANGEL,
            amount=Decimal(600) * WAN,
            invested_on=today - timedelta(days=5),
            fund=Fund.objects.filter(name="松山湖科学城天使子基金").first(),
        )
    if len(interests) > 1 and not Docking.objects.filter(interest=interests[1]).exists():
        services.docking_arrange(
            interest=interests[1],
            acting_user=staff,
            meeting_on=today + timedelta(days=7),
            place="松山湖国际创新创业社区",
            participants="宋雨桐（松湖创投）、成果持有单位代表、林晓彤（服务中心）",
        )
    ctx.say(
        f"创投对接：投资意向 {InvestorInterest.objects.count()}，"
        f"对接 {Docking.objects.count()}（已投资 "
        f"{Docking.objects.filter(status=DockingStatus.INVESTED).count()}）"
    )
