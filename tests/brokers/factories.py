"""Factories of the transfer ecosystem. Certificate levels and the recognised base come from
load_reference (policy.json)."""

from datetime import date
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from achievements.choices import AchievementStatus, ServiceRoute
from brokers import models as m
from brokers.choices import BrokerStatus, ContractType, FundLevel, InvestmentRound, Rating
from kernel.money import WAN
from towns.choices import CarrierKind, CarrierLevel, Role
from towns.models import Division, IncubatedEnterprise, IncubationCarrier, TechCommissioner

from ..factories import AchievementFactory, UserFactory, credit_code, division, industry

PDF = b"%PDF-1.4\n%%EOF\n"


def wan(n) -> Decimal:
    return Decimal(str(n)) * WAN


def level(code: str) -> m.CertificateLevel:
    return m.CertificateLevel.objects.get(code=code)


def recognised_base() -> m.TrainingBase:
    return m.TrainingBase.objects.get(name="国家技术转移人才培养基地（广东）")


def staff_user():
    return UserFactory(role=Role.CENTER_STAFF, username="factory_staff")


class BrokerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Broker

    name = factory.Sequence(lambda n: f"经纪人{n}")
    employer = "东莞市科技成果转化服务中心"
    certificate_level = factory.LazyFunction(lambda: level("senior"))
    training_base = factory.LazyFunction(recognised_base)
    certificate_number = factory.Sequence(lambda n: f"GDJS-2024-{n:04d}")
    certificate_date = date(2023, 5, 1)
    certificate_file = factory.LazyFunction(lambda: ContentFile(PDF, name="cert.pdf"))
    status = BrokerStatus.IN_LIBRARY
    reviewed_by = factory.LazyFunction(staff_user)
    reviewed_at = factory.LazyFunction(timezone.now)
    created_by = factory.LazyFunction(staff_user)


def landed_achievement(**kwargs):
    return AchievementFactory(
        status=AchievementStatus.LANDED, service_route=ServiceRoute.EVALUATION, **kwargs
    )


def service_achievement(**kwargs):
    return AchievementFactory(
        status=AchievementStatus.SERVICE, service_route=ServiceRoute.EVALUATION, **kwargs
    )


class TechContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TechContract
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"锂电池材料技术开发合同{n}")
    contract_type = ContractType.DEVELOPMENT
    registration_number = factory.Sequence(lambda n: f"20244419{n:06d}")
    registered_on = date(2024, 6, 1)
    amount = factory.LazyFunction(lambda: wan(100))
    seller_name = "东莞理工学院"
    seller_division = factory.LazyFunction(lambda: division("441900401"))
    buyer_name = "深圳某科技有限公司"
    created_by = factory.LazyFunction(staff_user)

    @factory.post_generation
    def brokers(obj, create, extracted, **kwargs):
        """`brokers=[(broker, share), …]`"""
        for broker, share in extracted or []:
            ContractBrokerFactory(contract=obj, broker=broker, share=Decimal(share))


class ContractBrokerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ContractBroker

    contract = factory.SubFactory(TechContractFactory)
    broker = factory.SubFactory(BrokerFactory)
    share = Decimal(100)


class ContractImportFactory(factory.django.DjangoModelFactory):
    """An uploaded contract sheet awaiting confirmation."""

    class Meta:
        model = m.ContractImport

    file = factory.LazyFunction(lambda: ContentFile(b"x", name="c.xlsx"))
    original_name = "合同.xlsx"
    uploaded_by = factory.LazyFunction(staff_user)


class IntermediaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Intermediary

    name = factory.Sequence(lambda n: f"东莞科技服务有限公司{n}")
    created_by = factory.LazyFunction(staff_user)


class IntermediaryRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.IntermediaryRating

    intermediary = factory.SubFactory(IntermediaryFactory)
    year = 2024
    rating = Rating.EXCELLENT
    score = Decimal(90)
    demonstration = True
    proposed_amount = factory.LazyFunction(lambda: wan(50))
    created_by = factory.LazyFunction(staff_user)


class PocCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PocCenter

    name = factory.Sequence(lambda n: f"概念验证中心{n}")
    kind = "poc_center"
    operator = "松山湖材料实验室"
    division = factory.LazyFunction(lambda: division("441900401"))
    created_by = factory.LazyFunction(staff_user)


class OutstandingIndividualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.OutstandingIndividual

    year = 2024
    name = factory.Sequence(lambda n: f"候选人{n}")
    employer = "东莞市技术转移中心"
    merit = "促成多项成果转化"
    score = Decimal(80)
    proposed_amount = factory.LazyFunction(lambda: wan(10))
    created_by = factory.LazyFunction(staff_user)


class SubsidisedEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.SubsidisedEvent

    name = factory.Sequence(lambda n: f"成果转化大赛{n}")
    kind = "competition"
    organiser = "东莞市科技服务业协会"
    held_on = date(2024, 9, 1)
    total_spend = factory.LazyFunction(lambda: wan(100))
    created_by = factory.LazyFunction(staff_user)


class PocProjectFactory(factory.django.DjangoModelFactory):
    """A contribution row written straight to the table (services.poc_project_add checks it)."""

    class Meta:
        model = m.PocProject

    center = factory.SubFactory(PocCenterFactory)
    achievement = factory.LazyFunction(landed_achievement)
    year = 2024
    contribution = factory.LazyFunction(lambda: wan(100))
    created_by = factory.LazyFunction(staff_user)


class PocEvaluationFactory(factory.django.DjangoModelFactory):
    """An evaluation written straight to the table (services.poc_evaluation_record checks it)."""

    class Meta:
        model = m.PocEvaluation

    center = factory.SubFactory(PocCenterFactory)
    year = 2024
    rating = Rating.GOOD
    created_by = factory.LazyFunction(staff_user)


class TrainingBaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TrainingBase

    name = factory.Sequence(lambda n: f"技术经纪人培训班{n}")
    recognised = False


# --- Registers of the transfer programmes -------------------------------------------------------


def set_fields(obj, create, extracted, **kwargs):
    """`fields=[industry, …]`: the many-to-many of industry fields."""
    if create and extracted:
        obj.fields.set(extracted)


class VentureRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.VentureRound

    achievement = factory.LazyFunction(landed_achievement)
    investor = "深创投"
    round = InvestmentRound.A
    amount = factory.LazyFunction(lambda: wan(100))
    invested_on = date(2024, 1, 1)
    created_by = factory.LazyFunction(staff_user)


class FundFactory(factory.django.DjangoModelFactory):
    """A 母基金; `child=True` gives a 子基金 under a new parent (or `parent=`) in 长安."""

    class Meta:
        model = m.Fund
        skip_postgeneration_save = True

    class Params:
        child = factory.Trait(
            level=FundLevel.CHILD,
            parent=factory.SubFactory("tests.brokers.factories.FundFactory"),
            partner_division=factory.LazyFunction(lambda: division("441900119")),
            size=factory.LazyFunction(lambda: wan(5000)),
        )

    name = factory.Sequence(lambda n: f"天使基金{n}")
    level = FundLevel.PARENT
    size = factory.LazyFunction(lambda: wan(100000))
    created_by = factory.LazyFunction(staff_user)
    fields = factory.PostGeneration(set_fields)


class MajorProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MajorProject

    name = factory.Sequence(lambda n: f"项目{n}")
    lead_enterprise = "企业"
    division = factory.LazyFunction(lambda: division("441900119"))
    field = factory.LazyFunction(lambda: industry("S05"))
    year = 2024
    created_by = factory.LazyFunction(staff_user)


class GazelleEnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.GazelleEnterprise

    name = factory.Sequence(lambda n: f"瞪羚企业{n}")
    credit_code = factory.Sequence(lambda n: credit_code(100 + n))
    division = factory.LazyFunction(lambda: division("441900119"))
    field = factory.LazyFunction(lambda: industry("S05"))
    year = 2024
    created_by = factory.LazyFunction(staff_user)


class CooperationProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CooperationProject

    title = "产学研"
    enterprise = "企业"
    institution = "东莞理工学院"
    division = factory.LazyFunction(lambda: division("441900119"))
    signed_on = date(2024, 1, 1)
    created_by = factory.LazyFunction(staff_user)


class InnovationComplexFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.InnovationComplex
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"综合体{n}")
    division = factory.LazyFunction(lambda: division("441900119"))
    operator = "运营"
    year = 2024
    created_by = factory.LazyFunction(staff_user)
    fields = factory.PostGeneration(set_fields)


def division_without(taken):
    """The first town (by the default order) not among `taken` (a queryset of division ids)."""
    return Division.objects.exclude(pk__in=taken)[0]


class DemonstrationTownFactory(factory.django.DjangoModelFactory):
    """One per town: by default the first town without one."""

    class Meta:
        model = m.DemonstrationTown

    division = factory.LazyFunction(
        lambda: division_without(m.DemonstrationTown.objects.values("division"))
    )
    year = 2024
    created_by = factory.LazyFunction(staff_user)


class TownSelectionFactory(factory.django.DjangoModelFactory):
    """A nominated town's selection file (by default the first town without one), without the
    “五个一” mechanism unless `mechanism=True`."""

    class Meta:
        model = m.TownSelection

    class Params:
        mechanism = factory.Trait(**dict.fromkeys(m.TownSelection.MECHANISM_FIELDS, "市镇联动举措"))

    division = factory.LazyFunction(
        lambda: division_without(m.TownSelection.objects.values("division"))
    )
    year = 2025
    innovation_strong_town = True
    leading_industries = "智能终端"
    support_role = "支撑"
    industry_profile = "特色"
    created_by = factory.LazyFunction(staff_user)


class IndustrialisationAwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.IndustrialisationAward

    project = factory.SubFactory(MajorProjectFactory)
    year = 2024
    performance = "绩效"
    proposed_amount = factory.LazyFunction(lambda: wan(100))
    created_by = factory.LazyFunction(staff_user)


class LoanLossClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.LoanLossClaim

    bank = "东莞银行"
    enterprise = factory.Sequence(lambda n: f"企业{n}")
    loan_amount = factory.LazyFunction(lambda: wan(100))
    loss_amount = factory.LazyFunction(lambda: wan(50))
    year = 2024
    created_by = factory.LazyFunction(staff_user)


class ServiceRevenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ServiceRevenue

    year = factory.Sequence(lambda n: 2000 + n)
    revenue = factory.LazyFunction(lambda: wan(1000))
    source = "统计"
    created_by = factory.LazyFunction(staff_user)


class TechCommissionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechCommissioner

    name = factory.Sequence(lambda n: f"特派员{n}")
    employer = "华南理工大学"
    division = factory.LazyFunction(lambda: division("441900119"))
    dispatched_on = date(2024, 3, 1)
    created_by = factory.LazyFunction(staff_user)


class CommissionerServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CommissionerService

    commissioner = factory.SubFactory(TechCommissionerFactory)
    enterprise = "企业"
    served_on = date(2024, 4, 1)
    problem = "问题"
    created_by = factory.LazyFunction(staff_user)


class IncubationCarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncubationCarrier

    name = factory.Sequence(lambda n: f"孵化器{n}")
    kind = CarrierKind.INCUBATOR
    level = CarrierLevel.PROVINCIAL
    division = factory.LazyFunction(lambda: division("441900119"))
    operator = "运营"
    recognised_year = 2023
    capacity = 10
    occupied = 5
    created_by = factory.LazyFunction(staff_user)


class IncubatedEnterpriseFactory(factory.django.DjangoModelFactory):
    """In incubation; `graduated=True` gives one that left on 30 June 2024."""

    class Meta:
        model = IncubatedEnterprise

    class Params:
        graduated = factory.Trait(graduated_on=date(2024, 6, 30))

    carrier = factory.SubFactory(IncubationCarrierFactory)
    name = factory.Sequence(lambda n: f"在孵企业{n}")
    credit_code = factory.Sequence(lambda n: credit_code(500 + n))
    entered_on = date(2024, 1, 1)
    created_by = factory.LazyFunction(staff_user)
