"""One small world with a record behind every URL of the portal, for the permission matrix.

Built with the test factories and the public services, the way the pages build them: an
achievement of 东莞理工 (the owning unit of `liaison`), in an evaluation batch whose evaluator is
`evaluator_in`, a service-library case, a landing, a demand of `enterprise`'s company, a broker
record of `broker`, and one row of every register.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.test import TestCase
from django.utils import timezone

from achievements.choices import EscalationTier, EventStatus, EvidenceKind
from achievements.models import (
    MatchmakingEvent,
    MilestoneTemplate,
)
from achievements.services.demands import inquiry_create, synonym_group_save
from achievements.services.discovery import (
    achievement_attachment_add,
    achievement_correction_request,
    achievement_import_prepare,
    achievement_soft_delete,
)
from achievements.services.events import event_outcome_record, event_register, event_save
from achievements.services.service import (
    assignment_assign,
    follow_up_record,
    milestone_plan_apply,
)
from brokers import models as bm
from brokers.services import reward_list_compute
from evaluation.services import (
    fast_track_review_open,
    recommendation_create,
    valuation_request,
)
from investors.services import docking_arrange, interest_express
from quotas.choices import ReportKind
from quotas.services import report_generate
from towns.choices import EnterpriseStatus, Role
from towns.models import (
    IncubatedEnterprise,
    IncubationCarrier,
    TechCommissioner,
    User,
)
from towns.services import notification_send

from .achievements.demands.factories import (
    DemandFactory,
    ExternalAchievementFactory,
    MatchFactory,
    enterprise_account,
)
from .achievements.factories import PDF, sheet_row, xlsx_upload
from .achievements.landing.factories import landed_case, record
from .achievements.service.factories import EscalationFactory, service_case
from .brokers.factories import (
    BrokerFactory,
    ContractImportFactory,
    FundFactory,
    TechContractFactory,
)
from .brokers.test_registers import make_rows
from .evaluation.factories import give_score, item_of, make_batch, pdf_file
from .factories import (
    AchievementFactory,
    BackgroundJobFactory,
    EnterpriseFactory,
    UserFactory,
    division,
    industry,
    investor_account,
    unit,
)

# The roles of the matrix, in the order of every row's expectations.
ROLES = (
    "anonymous",
    "liaison",  # liaison of 东莞理工, the unit that discovered the records
    "liaison_other",  # liaison of another unit
    "staff",  # service-center staff
    "evaluator_in",  # evaluator of the batch
    "evaluator_out",  # evaluator of no batch
    "leader",  # bureau leader
    "enterprise",  # the enterprise owning the demand
    "enterprise_other",  # an enterprise not owning it
    "broker",
    "admin",
    "investor",  # investor of an approved venture-capital institution with an interest
)


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, int | str] = field(default_factory=dict)


def _commits():
    return TestCase.captureOnCommitCallbacks(execute=True)


def build_world() -> World:
    dgut = unit("dgut")
    users = {
        "liaison": UserFactory(role=Role.LIAISON, unit=dgut, username="m_liaison"),
        "liaison_other": UserFactory(
            role=Role.LIAISON, unit=unit("441900119"), username="m_liaison_b"
        ),
        "staff": UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="m_staff"),
        "evaluator_in": UserFactory(role=Role.EVALUATOR, username="m_expert_in"),
        "evaluator_out": UserFactory(role=Role.EVALUATOR, username="m_expert_out"),
        "leader": UserFactory(role=Role.LEADER, unit=unit("kjj"), username="m_leader"),
        "enterprise": enterprise_account("m_ent"),
        "enterprise_other": enterprise_account("m_ent_b"),
        "broker": UserFactory(role=Role.BROKER, username="m_broker"),
        "admin": UserFactory(role=Role.ADMIN, username="m_admin", is_staff=True, is_superuser=True),
        "investor": investor_account("m_investor"),
    }
    staff, liaison = users["staff"], users["liaison"]
    world = World(users=users)
    ids = world.ids
    today = timezone.localdate()

    with _commits():
        # The discovery library: a submitted achievement of 东莞理工, public on the showcase.
        achievement = AchievementFactory(
            discovering_unit=dgut, created_by=liaison, is_public=True, field=industry("S05")
        )
    ids["achievement"] = achievement.pk
    ids["showcase_key"] = achievement.showcase_entry.key
    ids["showcase_url"] = achievement.showcase_entry.get_absolute_url()
    ids["feedback"] = achievement_correction_request(
        achievement, acting_user=liaison, message="请补充知识产权证明。"
    ).pk
    upload = ContentFile(PDF, name="证明.pdf")
    ids["attachment"] = achievement_attachment_add(
        achievement, acting_user=staff, uploaded=upload
    ).pk
    ids["deleted_achievement"] = achievement_soft_delete(
        AchievementFactory(discovering_unit=dgut, created_by=liaison),
        acting_user=staff,
        reason="重复登记",
    ).pk
    ids["import"] = achievement_import_prepare(
        acting_user=liaison, uploaded=xlsx_upload([sheet_row()])
    ).pk

    # Evaluation: a batch with the achievement, a recommendation, a fast-track review, a valuation.
    batch = make_batch(staff=staff, evaluators=[users["evaluator_in"]], achievements=[achievement])
    ids["batch"] = batch.pk
    item = item_of(batch, achievement)
    ids["batch_item"] = item.pk
    ids["score"] = give_score(item, users["evaluator_in"], 80).pk
    ids["recommendation"] = recommendation_create(
        achievement=AchievementFactory(discovering_unit=dgut, created_by=liaison),
        recommender_kind="research_institute",
        recommender_name="松山湖材料实验室",
        letter=pdf_file(),
        letter_date=date(2025, 3, 1),
        reason="推荐",
        acting_user=staff,
    ).pk
    ids["review"] = fast_track_review_open(
        achievement=AchievementFactory(discovering_unit=dgut, created_by=liaison),
        reviewer=staff,
        acting_user=staff,
    ).pk
    ids["valuation"] = valuation_request(
        achievement=achievement, agency="广东省科技评估中心", requested_on=today, acting_user=staff
    ).pk

    # The service library: a case of 东莞理工 with an assignee, milestones, a follow-up, evidence.
    case = service_case(discovering_unit=dgut, created_by=liaison)
    ids["case"] = case.pk
    assignment_assign(achievement=case, assignee=staff, acting_user=staff)
    template = MilestoneTemplate.objects.filter(is_active=True).first()
    ids["milestone"] = milestone_plan_apply(
        achievement=case, template=template, start_on=today, acting_user=staff
    )[0].pk
    ids["follow_up"] = follow_up_record(
        achievement=case,
        acting_user=staff,
        followed_on=today,
        progress="完成中试",
        next_step="洽谈投资",
        route_status="matching",
        has_progress=True,
    ).pk
    # Its escalation went to a city leader, not to the matrix's (bureau) leader.
    ids["escalation"] = EscalationFactory(
        achievement=case,
        tier=EscalationTier.CITY_LEADER,
        expected_contribution=Decimal(600_000_000),
        last_progress_on=today - timedelta(days=100),
        recipients=[UserFactory(role=Role.LEADER, username="m_city_leader"), staff],
    ).pk
    ids["evidence"] = record(case, EvidenceKind.TRANSACTION, staff).pk
    ids["evidence_kind"] = EvidenceKind.TRANSACTION
    landed = landed_case(staff, on=today - timedelta(days=10), discovering_unit=dgut)
    ids["landed"] = landed.achievement_id
    ids["landing"] = landed.pk

    # The demand window: a demand of `enterprise`, a match, vocabulary, an inquiry, an event.
    demand = DemandFactory(created_by=users["enterprise"])
    ids["demand"] = demand.pk
    ids["match"] = MatchFactory(
        demand=demand,
        achievement=achievement,
        score=0.8,
        explanation={},
        computed_at=timezone.now(),
    ).pk
    ids["synonym"] = synonym_group_save(
        None, acting_user=staff, name="注塑", terms="注塑、注射成型"
    ).pk
    with _commits():
        inquiry, _ = inquiry_create(
            acting_user=users["enterprise"],
            entry=achievement.showcase_entry,
            contact_name="赵经理",
            contact_phone="13800138000",
        )
    ids["inquiry"] = inquiry.pk
    ids["external"] = ExternalAchievementFactory(
        title="外部成果",
        summary="简介",
        field=industry("S05"),
        holder="华南理工大学",
        imported_by=staff,
    ).pk
    held_on = today + timedelta(days=20)
    event = event_save(
        None,
        acting_user=staff,
        fields=[industry("T08")],
        achievements=[],
        title="注塑与模具行业技术对接会",
        held_on=held_on,
        place="长安镇模具城会议中心",
        division=division("441900119"),
        organizer="东莞市科技成果转化服务中心",
        registration_deadline=held_on - timedelta(days=3),
    )
    ids["event"] = event.pk
    event_register(
        event,
        acting_user=users["enterprise"],
        enterprise=users["enterprise"].enterprise,
        attendee_name="赵经理",
        attendee_phone="13800138000",
    )
    # A second event, already held, with an outcome.
    held = event_save(
        None,
        acting_user=staff,
        fields=[],
        achievements=[],
        title="新材料成果路演",
        held_on=held_on,
        place="松山湖",
        division=division("441900119"),
        organizer="东莞市科技成果转化服务中心",
        registration_deadline=held_on - timedelta(days=3),
    )
    MatchmakingEvent.objects.filter(pk=held.pk).update(status=EventStatus.HELD)
    ids["held_event"] = held.pk
    ids["outcome"] = event_outcome_record(
        held, acting_user=staff, kind="intention", enterprise_name="东莞某公司", note="意向"
    ).pk

    # The transfer ecosystem: `broker`'s own record, a contract, every register.
    broker = BrokerFactory(user=users["broker"], name="孙立新")
    ids["broker"] = broker.pk
    contract = TechContractFactory(brokers=[(broker, 100)])
    contract.achievements.add(case)
    ids["contract"] = contract.pk
    ids["contract_import"] = ContractImportFactory(
        uploaded_by=staff, original_name="合同.xlsx", row_count=1, file=ContentFile(b"x", "c.xlsx")
    ).pk
    for key, model in [
        ("venture", bm.VentureRound),
        ("intermediary", bm.Intermediary),
        ("poc", bm.PocCenter),
        ("event", bm.SubsidisedEvent),
        ("outstanding", bm.OutstandingIndividual),
        ("major_project", bm.MajorProject),
        ("gazelle", bm.GazelleEnterprise),
        ("cooperation", bm.CooperationProject),
        ("complex", bm.InnovationComplex),
        ("demo_town", bm.DemonstrationTown),
        ("commissioner", TechCommissioner),
        ("commissioner_service", bm.CommissionerService),
        ("carrier", IncubationCarrier),
        ("incubated", IncubatedEnterprise),
        ("town_selection", bm.TownSelection),
        ("industrialisation_award", bm.IndustrialisationAward),
        ("loan_loss", bm.LoanLossClaim),
        ("service_revenue", bm.ServiceRevenue),
    ]:
        make_rows(key, 1)
        ids[f"register_{key}"] = model.objects.latest("pk").pk
    ids["register_fund"] = FundFactory(
        name="东莞市天使投资母基金", level="parent", size=Decimal(10**9), created_by=staff
    ).pk

    # Investor docking: `investor`'s interest in the service case, and its docking (arranged).
    interest, _ = interest_express(acting_user=users["investor"], achievement=case)
    ids["interest"] = interest.pk
    ids["docking"] = docking_arrange(
        interest=interest, acting_user=staff, meeting_on=today, participants="双方代表"
    ).pk
    ids["year"] = 2024
    ids["history_kind"] = "achievement"
    ids["pick_purpose"] = "recommendation"
    ids["reward_list"] = reward_list_compute(year=2024, acting_user=staff).pk

    # Accounts, notifications, reports.
    ids["pending_enterprise"] = EnterpriseFactory(status=EnterpriseStatus.PENDING).pk
    ids["notification"] = notification_send(
        recipients=[liaison], kind="info", title="测试通知", body="正文"
    )[0].pk
    ids["report"] = report_generate(
        kind=ReportKind.CUSTOM, start=today - timedelta(days=30), end=today
    ).pk
    ids["unit_code"] = "dgut"
    # A finished background job of staff's, with its file.
    ids["job"] = BackgroundJobFactory(
        owner=staff,
        kind="achievement_export",
        title="导出",
        status="done",
        progress=100,
        result_file=ContentFile(PDF, name="result.pdf"),
        result_name="result.pdf",
    ).pk
    ids["assessment_level"] = "bureau"
    ids["assessment_subject"] = "kjj"
    ids["amount"] = str(Decimal(1))
    return world
