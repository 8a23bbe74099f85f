"""Factories of the quota tables (the yearly tables themselves come from load_reference)."""

import factory

from quotas.models import LandingQuota

from ..factories import unit


class LandingQuotaFactory(factory.django.DjangoModelFactory):
    """A unit's landing quota of a year (茶山 in 2025 by default)."""

    class Meta:
        model = LandingQuota

    year = 2025
    unit = factory.LazyFunction(lambda: unit("441900103"))
    quota = 1
