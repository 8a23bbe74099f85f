"""The columns of each register, used by the HTML list and its .xlsx export alike."""

from django.utils.translation import gettext_lazy as _

from kernel.tables import Col
from kernel.wording import clause_separator, list_separator

from .choices import BrokerStatus, PocStatus, SelectionStage


def names(related) -> str:
    return list_separator().join(str(item) for item in related.all())


STATUS_BADGES = {
    BrokerStatus.IN_LIBRARY: "text-bg-success",
    BrokerStatus.PENDING: "text-bg-warning",
    BrokerStatus.REJECTED: "text-bg-secondary",
    PocStatus.RECOGNISED: "text-bg-success",
    PocStatus.BUILDING: "text-bg-light border",
    SelectionStage.RECOGNISED: "text-bg-success",
    SelectionStage.NOMINATED: "text-bg-warning",
    SelectionStage.NOT_RECOGNISED: "text-bg-secondary",
}


def status_col(label, field="status") -> Col:
    return Col(
        label,
        lambda o: getattr(o, f"get_{field}_display")(),
        kind="status",
        width=10,
        field=field,
    )


def status_css(obj, field="status") -> str:
    return STATUS_BADGES.get(getattr(obj, field, ""), "text-bg-light border")


BROKER_COLUMNS = [
    Col(_("姓名"), lambda o: o.name, width=10),
    Col(_("工作单位"), lambda o: o.employer, width=28),
    Col(_("证书等级"), lambda o: o.certificate_level.name, width=14),
    Col(_("发证培养基地"), lambda o: o.training_base.name, width=28),
    Col(_("证书编号"), lambda o: o.certificate_number, width=18),
    Col(_("发证日期"), lambda o: o.certificate_date, kind="date", width=12),
    Col(_("擅长领域"), lambda o: names(o.fields), width=24),
    status_col(_("入库状态")),
]


def contract_brokers(contract) -> str:
    return list_separator().join(
        f"{s.broker.name} {s.share.normalize():f}%" for s in contract.broker_shares.all()
    )


CONTRACT_COLUMNS = [
    Col(_("登记编号"), lambda o: o.registration_number, width=20),
    Col(_("合同名称"), lambda o: o.title, width=32),
    Col(_("合同类型"), lambda o: o.get_contract_type_display(), width=10),
    Col(_("登记日期"), lambda o: o.registered_on, kind="date", width=12),
    Col(_("合同成交额"), lambda o: o.amount, kind="money", width=14),
    Col(_("卖方（受托方）"), lambda o: o.seller_name, width=28),
    Col(_("买方（委托方）"), lambda o: o.buyer_name, width=28),
    Col(_("东莞主体"), lambda o: _("是") if o.has_dongguan_party else _("否"), width=8),
    Col(_("技术经纪人及份额"), contract_brokers, width=24),
    Col(_("关联成果"), lambda o: names(o.achievements), width=32),
]

VENTURE_COLUMNS = [
    Col(_("科技成果"), lambda o: o.achievement.title, width=32),
    Col(_("成果状态"), lambda o: o.achievement.get_status_display(), width=10),
    Col(_("投资机构"), lambda o: o.investor, width=28),
    Col(_("出资基金"), lambda o: o.fund, width=24),
    Col(_("融资轮次"), lambda o: o.get_round_display(), width=10),
    Col(_("融资金额"), lambda o: o.amount, kind="money", width=14),
    Col(_("融资日期"), lambda o: o.invested_on, kind="date", width=12),
]

FUND_COLUMNS = [
    Col(_("基金名称"), lambda o: o.name, width=30),
    Col(_("基金层级"), lambda o: o.get_level_display(), width=8),
    Col(_("所属母基金"), lambda o: o.parent, width=24),
    Col(_("子基金"), lambda o: names(o.children), width=30),
    Col(_("合作镇街（园区）或平台"), lambda o: o.partner_division or o.partner_platform, width=20),
    Col(_("基金管理人"), lambda o: o.manager, width=20),
    Col(_("基金规模"), lambda o: o.size, kind="money", width=14),
    Col(_("重点投资领域"), lambda o: names(o.fields), width=24),
    Col(_("设立日期"), lambda o: o.established_on, kind="date", width=12),
]

INTERMEDIARY_COLUMNS = [
    Col(_("机构名称"), lambda o: o.name, width=32),
    Col(_("所在镇街（园区）"), lambda o: o.division, width=14),
    Col(_("服务领域"), lambda o: names(o.fields), width=24),
    Col(_("备案（认定）年度"), lambda o: o.recognition_year, kind="number", width=10),
    Col(_("首次上规年度"), lambda o: o.first_above_scale_year, kind="number", width=10),
    Col(_("服务的落地成果"), lambda o: len(o.landed_projects.all()), kind="number", width=10),
]

POC_COLUMNS = [
    Col(_("名称"), lambda o: o.name, width=32),
    Col(_("类型"), lambda o: o.get_kind_display(), width=12),
    Col(_("建设运营主体"), lambda o: o.operator, width=28),
    Col(_("所在镇街（园区）"), lambda o: o.division, width=14),
    Col(_("服务领域"), lambda o: names(o.fields), width=24),
    status_col(_("认定状态")),
    Col(_("认定年度"), lambda o: o.recognised_year, kind="number", width=10),
]

EVENT_COLUMNS = [
    Col(_("活动名称"), lambda o: o.name, width=32),
    Col(_("活动类型"), lambda o: o.get_kind_display(), width=10),
    Col(_("举办（承办）单位"), lambda o: o.organiser, width=28),
    Col(_("举办日期"), lambda o: o.held_on, kind="date", width=12),
    Col(_("经核定总支出"), lambda o: o.total_spend, kind="money", width=14),
]

OUTSTANDING_COLUMNS = [
    Col(_("评选年度"), lambda o: o.year, kind="number", width=10),
    Col(_("姓名"), lambda o: o.name, width=10),
    Col(_("工作单位"), lambda o: o.employer, width=28),
    Col(_("在库经纪人"), lambda o: _("是") if o.broker_id else _("否"), width=10),
    Col(_("评审得分"), lambda o: o.score, kind="number", width=10),
    Col(_("拟奖励金额"), lambda o: o.proposed_amount, kind="money", width=14),
]

MAJOR_PROJECT_COLUMNS = [
    Col(_("项目名称"), lambda o: o.name, width=32),
    Col(_("牵头企业"), lambda o: o.lead_enterprise, width=28),
    Col(_("所在镇街（园区）"), lambda o: o.division, width=14),
    Col(_("所属领域"), lambda o: o.field, width=16),
    Col(_("入库年度"), lambda o: o.year, kind="number", width=10),
]

GAZELLE_COLUMNS = [
    Col(_("企业名称"), lambda o: o.name, width=32),
    Col(_("统一社会信用代码"), lambda o: o.credit_code, width=22),
    Col(_("所在镇街（园区）"), lambda o: o.division, width=14),
    Col(_("所属领域"), lambda o: o.field, width=16),
    Col(_("入库年度"), lambda o: o.year, kind="number", width=10),
]

COOPERATION_COLUMNS = [
    Col(_("项目名称"), lambda o: o.title, width=32),
    Col(_("合作企业"), lambda o: o.enterprise, width=28),
    Col(_("合作高校院所"), lambda o: o.institution, width=24),
    Col(_("促成镇街（园区）"), lambda o: o.division, width=14),
    Col(_("签约日期"), lambda o: o.signed_on, kind="date", width=12),
    Col(_("合作金额"), lambda o: o.amount, kind="money", width=14),
]

COMPLEX_COLUMNS = [
    Col(_("综合体名称"), lambda o: o.name, width=32),
    Col(_("所在镇街（园区）"), lambda o: o.division, width=14),
    Col(_("运营主体"), lambda o: o.operator, width=28),
    Col(_("主导领域"), lambda o: names(o.fields), width=24),
    Col(_("建成年度"), lambda o: o.year, kind="number", width=10),
]

DEMONSTRATION_TOWN_COLUMNS = [
    Col(_("镇街（园区）"), lambda o: o.division, width=14),
    Col(_("认定年度"), lambda o: o.year, kind="number", width=10),
    Col(_("创建亮点"), lambda o: o.highlights, width=48),
]

REWARD_COLUMNS = [
    Col(_("序号"), lambda o: o.position, kind="number", width=6),
    Col(_("奖励类别"), lambda o: o.get_rule_display(), width=22),
    Col(_("奖励对象"), lambda o: o.beneficiary, width=32),
    Col(
        _("计算依据"),
        lambda o: clause_separator().join(f"{k}：{v}" for k, v in o.input_rows),
        width=60,
    ),
    Col(_("计算说明"), lambda o: o.basis_text, width=48),
    Col(_("奖励金额"), lambda o: o.amount, kind="money", width=14),
]

# --- Seed 000 registers --------------------------------------------------------------------------


def yes_no(value) -> str:
    return _("是") if value else _("否")


COMMISSIONER_COLUMNS = [
    Col(_("姓名"), lambda o: o.name, width=10),
    Col(_("派出单位"), lambda o: o.employer, width=28),
    Col(_("专业领域"), lambda o: o.expertise, width=20),
    Col(_("派驻镇街（园区）"), lambda o: o.division, width=14),
    Col(_("派驻日期"), lambda o: o.dispatched_on, kind="date", width=12),
    Col(_("派驻结束日期"), lambda o: o.ended_on, kind="date", width=12),
    Col(_("服务企业次数"), lambda o: o.service_count, kind="number", width=10),
    Col(_("帮助解决需求"), lambda o: o.demands_solved, kind="number", width=10),
]

COMMISSIONER_SERVICE_COLUMNS = [
    Col(_("服务企业"), lambda o: o.enterprise, width=28),
    Col(_("科技特派员"), lambda o: o.commissioner.name, width=10),
    Col(_("派驻镇街（园区）"), lambda o: o.commissioner.division, width=14),
    Col(_("服务日期"), lambda o: o.served_on, kind="date", width=12),
    Col(_("企业技术问题"), lambda o: o.problem, width=40),
    Col(_("服务成效"), lambda o: o.result, width=40),
    Col(_("帮助解决的企业需求"), lambda o: o.demand.title if o.demand_id else "", width=28),
    Col(_("问题已解决"), lambda o: yes_no(o.solved), width=8),
]

CARRIER_COLUMNS = [
    Col(_("载体名称"), lambda o: o.name, width=32),
    Col(_("载体类型"), lambda o: o.get_kind_display(), width=10),
    Col(_("载体级别"), lambda o: o.get_level_display(), width=8),
    Col(_("所在镇街（园区）"), lambda o: o.division, width=14),
    Col(_("运营主体"), lambda o: o.operator, width=28),
    Col(_("认定年度"), lambda o: o.recognised_year, kind="number", width=10),
    Col(_("入驻率（%）"), lambda o: o.occupancy_percent, kind="number", width=10),
    Col(_("在孵企业"), lambda o: o.incubating, kind="number", width=8),
    Col(_("毕业企业"), lambda o: o.graduated, kind="number", width=8),
    Col(_("成长为高企"), lambda o: o.high_tech, kind="number", width=10),
    Col(_("成长为瞪羚企业"), lambda o: o.gazelles, kind="number", width=10),
]

INCUBATED_COLUMNS = [
    Col(_("企业名称"), lambda o: o.name, width=28),
    Col(_("统一社会信用代码"), lambda o: o.credit_code, width=22),
    Col(_("孵化载体"), lambda o: o.carrier.name, width=28),
    Col(_("载体类型"), lambda o: o.carrier.get_kind_display(), width=10),
    Col(_("入孵日期"), lambda o: o.entered_on, kind="date", width=12),
    Col(_("毕业日期"), lambda o: o.graduated_on, kind="date", width=12),
    Col(_("认定高新技术企业年度"), lambda o: o.high_tech_year, kind="number", width=10),
    Col(_("入瞪羚企业培育库"), lambda o: yes_no(o.is_gazelle), width=10),
]

TOWN_SELECTION_COLUMNS = [
    Col(_("镇街（园区）"), lambda o: o.division, width=14),
    Col(_("遴选年度"), lambda o: o.year, kind="number", width=10),
    Col(_("属创新强镇"), lambda o: yes_no(o.innovation_strong_town), width=8),
    Col(_("主导产业或新兴产业"), lambda o: o.leading_industries, width=24),
    Col(
        _("“五个一”工作机制"),
        lambda o: _("已完善") if o.mechanism_complete else _("待完善"),
        width=10,
    ),
    status_col(_("遴选状态"), "stage"),
    Col(_("认定意见"), lambda o: o.decision_note, width=28),
]

INDUSTRIALISATION_AWARD_COLUMNS = [
    Col(_("市重大科技项目"), lambda o: o.project.name, width=32),
    Col(_("牵头企业"), lambda o: o.project.lead_enterprise, width=28),
    Col(_("所在镇街（园区）"), lambda o: o.project.division, width=14),
    Col(_("奖励年度"), lambda o: o.year, kind="number", width=10),
    Col(_("产业化绩效"), lambda o: o.performance, width=40),
    Col(_("拟奖励金额"), lambda o: o.proposed_amount, kind="money", width=14),
]

LOAN_LOSS_COLUMNS = [
    Col(_("银行机构"), lambda o: o.bank, width=24),
    Col(_("借款企业"), lambda o: o.enterprise, width=28),
    Col(_("补偿年度"), lambda o: o.year, kind="number", width=10),
    Col(_("贷款金额"), lambda o: o.loan_amount, kind="money", width=14),
    Col(_("银行承担损失"), lambda o: o.loss_amount, kind="money", width=14),
    Col(_("申请补偿比例（%）"), lambda o: o.requested_rate, kind="number", width=12),
]

SERVICE_REVENUE_COLUMNS = [
    Col(_("年度"), lambda o: o.year, kind="number", width=8),
    Col(_("营业收入"), lambda o: o.revenue, kind="money", width=16),
    Col(_("数据来源"), lambda o: o.source, width=32),
]
