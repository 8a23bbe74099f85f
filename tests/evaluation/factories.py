"""Evaluation test data, built through the services (the same path the pages take)."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from evaluation import services
from evaluation.choices import ReviewStatus, ThreeHave, ValuationStatus
from evaluation.models import Batch, BatchItem, FastTrackReview, Valuation
from towns.choices import Role

from ..achievements.service.factories import service_case
from ..factories import AchievementFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ALL_HAVES = list(ThreeHave.values)


def pdf_file(name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def evaluator_user(username: str, **kwargs):
    return UserFactory(role=Role.EVALUATOR, username=username, **kwargs)


def make_batch(
    *,
    staff,
    evaluators,
    achievements=(),
    threshold: str = "70",
    name: str = "2025年第一批常规入库评价",
    year: int = 2025,
) -> Batch:
    batch = services.batch_create(
        year=year,
        name=name,
        institution="广东省科技评估中心",
        threshold=Decimal(threshold),
        evaluators=evaluators,
        acting_user=staff,
    )
    if achievements:
        services.batch_add_achievements(batch=batch, achievements=achievements, acting_user=staff)
    return batch


def item_of(batch: Batch, achievement) -> BatchItem:
    return BatchItem.objects.get(batch=batch, achievement=achievement)


def give_score(
    item: BatchItem, evaluator, value, *, haves=ALL_HAVES, comment="技术先进，市场明确。"
):
    """Score every sub-item with `value` (a number, or a dict criterion code → number)."""
    values = {}
    for criterion in item.batch.criteria.prefetch_related("items"):
        number = value[criterion.criterion] if isinstance(value, dict) else value
        for scoring_item in criterion.items.all():
            values[scoring_item.pk] = Decimal(str(number))
    return services.score_submit(
        item=item, acting_user=evaluator, values=values, haves=haves, comment=comment
    )


def submitted(**kwargs):
    return AchievementFactory(status="submitted", **kwargs)


# --- Rows written straight to the tables (for figures over finished work) -----------------------


class FastTrackReviewFactory(factory.django.DjangoModelFactory):
    """An open fast-track review of a service-library case, due a week after it opened."""

    class Meta:
        model = FastTrackReview

    achievement = factory.LazyFunction(service_case)
    status = ReviewStatus.OPEN
    opened_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.opened_on + timedelta(days=7))
    reviewer = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF)
    created_by = factory.SelfAttribute("reviewer")


class ValuationFactory(factory.django.DjangoModelFactory):
    """A valuation requested today of a submitted achievement."""

    class Meta:
        model = Valuation

    achievement = factory.LazyFunction(submitted)
    agency = "广东省科技评估中心"
    requested_on = factory.LazyFunction(timezone.localdate)
    status = ValuationStatus.REQUESTED
    created_by = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF)
