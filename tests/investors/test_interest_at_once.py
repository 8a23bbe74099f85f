"""Two clicks of one institution at the same moment create one interest (PostgreSQL)."""

import pytest
from django.test import Client
from django.urls import reverse

from investors.models import InvestorInterest
from towns.choices import Role

from ..achievements.service.factories import service_case
from ..achievements.test_discovery_one_title_per_unit import at_the_same_moment, postgresql_only
from ..factories import UserFactory, investor_account


def clients_of_one_institution():
    first = investor_account("vc_first")
    second = UserFactory(username="vc_second", role=Role.INVESTOR, enterprise=first.enterprise)
    clients = []
    for user in (first, second):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_create_one_interest():
    achievement = service_case()
    first, second = clients_of_one_institution()
    url = reverse("investors:interest_express", args=[achievement.pk])
    responses = at_the_same_moment(
        lambda: first.post(url, {"note": "第一位"}), lambda: second.post(url, {"note": "第二位"})
    )
    assert [r.status_code for r in responses] == [302, 302]
    assert InvestorInterest.objects.filter(achievement=achievement).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_api_calls_at_the_same_moment_create_one_interest():
    achievement = service_case()
    first, second = clients_of_one_institution()
    url = f"/api/v1/investors/opportunities/{achievement.pk}/interest/"
    responses = at_the_same_moment(lambda: first.post(url, {}), lambda: second.post(url, {}))
    assert sorted(r.status_code for r in responses) == [200, 201]
    interest = InvestorInterest.objects.get(achievement=achievement)
    assert {r.json()["id"] for r in responses} == {interest.pk}
