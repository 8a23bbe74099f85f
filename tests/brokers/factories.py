"""Factories of the transfer ecosystem. Certificate levels and the recognised base come from
load_reference (policy.json)."""

from datetime import date
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from achievements.choices import AchievementStatus, ServiceRoute
from brokers import models as m
from brokers.choices import BrokerStatus, ContractType, Rating
from kernel.money import WAN
from towns.choices import Role

from ..factories import AchievementFactory, UserFactory, division

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
            m.ContractBroker.objects.create(contract=obj, broker=broker, share=Decimal(share))


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
