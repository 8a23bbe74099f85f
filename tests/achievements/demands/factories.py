"""Factories of the demand window, showcase and events (public services do the real work)."""

import factory

from achievements.choices import DemandKind
from achievements.models import Demand
from towns.choices import EnterpriseStatus, Role

from ...factories import EnterpriseFactory, UserFactory, division, industry


def enterprise_account(username: str, *, status=EnterpriseStatus.APPROVED, **enterprise):
    """An enterprise and the user who signs in for it."""
    company = EnterpriseFactory(status=status, **enterprise)
    return UserFactory(
        username=username, role=Role.ENTERPRISE, enterprise=company, name=f"{username}联系人"
    )


class DemandFactory(factory.django.DjangoModelFactory):
    """A demand written straight to the table (no matching); tests of matching use the pages."""

    class Meta:
        model = Demand

    enterprise = factory.LazyAttribute(lambda o: o.created_by.enterprise)
    created_by = factory.Sequence(lambda n: enterprise_account(f"demand_owner{n}"))
    kind = DemandKind.TECHNOLOGY
    title = factory.Sequence(lambda n: f"注塑件表面缩痕问题{n}")
    description = "我们厂的注塑件表面老是凹下去一块，良品率上不去。"
    field = factory.LazyFunction(lambda: industry("T08"))
    division = factory.LazyFunction(lambda: division("441900119"))
    contact_name = "赵经理"
    contact_phone = "0769-22881234"
