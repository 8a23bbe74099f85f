"""Every list page of this part costs the same number of queries for one row or many."""

import pytest
from django.db import reset_queries
from django.urls import reverse

from towns.choices import EnterpriseStatus

from ...factories import EnterpriseFactory, industry
from .factories import (
    ExternalAchievementFactory,
    InquiryFactory,
    SynonymGroupFactory,
    enterprise_account,
)

pytestmark = pytest.mark.django_db


def make_inquiry(n):
    return InquiryFactory(
        created_by=enterprise_account(f"inquirer{n}"), achievement__title=f"成果{n}"
    )


def make_synonym(n):
    return SynonymGroupFactory(name=f"概念{n}", terms=f"词{n}、术语{n}")


def make_external(n):
    return ExternalAchievementFactory(
        title=f"外地成果{n}",
        summary="简介",
        field=industry("S04"),
        holder=f"某大学{n}",
        source="某成果库",
        imported_by=enterprise_account(f"importer{n}"),
    )


def make_registration(n):
    return EnterpriseFactory(status=EnterpriseStatus.PENDING)


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("achievements:inquiry_list", make_inquiry),
        ("achievements:synonym_list", make_synonym),
        ("achievements:external_list", make_external),
        ("towns:enterprise_review_list", make_registration),
    ],
)
@pytest.mark.usefixtures("render_afresh")
def test_list_pages_cost_the_same_for_one_row_or_many(
    client, center_staff, django_assert_num_queries, django_assert_max_num_queries, url_name, make
):
    make(0)
    client.force_login(center_staff)
    url = reverse(url_name)
    client.get(url)
    reset_queries()
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    expected = len(one)
    for n in range(1, 7):
        make(n)
    client.get(url)
    reset_queries()
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.context["page_obj"].paginator.count >= 7
