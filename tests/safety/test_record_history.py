"""Staff and leaders read the history of the records they may read, as an official reads it:
choice labels, names, 万元 amounts, dates; contacts masked as on the record's page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from achievements.services.discovery import achievement_soft_delete

from ..brokers.factories import BrokerFactory
from ..factories import AchievementFactory

pytestmark = pytest.mark.django_db


def _history(client, kind, pk, **params):
    return client.get(reverse("towns:record_history", args=[kind, pk]), params)


def test_leader_reads_labels_names_and_wan_amounts(client, center_staff, leader):
    achievement = AchievementFactory(
        status="submitted",
        ip_types=["invention_patent"],
        expected_contribution=Decimal("30000000.00"),
        contact_phone="13800000000",
    )
    achievement.ip_types = ["invention_patent", "utility_model"]
    achievement.expected_contribution = Decimal("50000000.00")
    achievement.contact_phone = "13900000000"
    achievement._history_user = center_staff
    achievement.save()
    client.force_login(leader)
    response = _history(client, "achievement", achievement.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<del class="text-danger">发明专利</del>' in html
    assert '<ins class="text-success">发明专利、实用新型专利</ins>' in html
    assert '<del class="text-danger">3,000万元</del>' in html
    assert '<ins class="text-success">5,000万元</ins>' in html
    assert "invention_patent" not in html and "30000000" not in html
    assert center_staff.name in html
    # Leaders may not see contacts: masked in the history as on the page.
    assert "13900000000" not in html and "13800000000" not in html and "***" in html
    assert reverse("achievements:achievement_detail", args=[achievement.pk]) in html


def test_staff_see_contacts_and_reasons(client, center_staff):
    achievement = AchievementFactory(status="submitted", contact_phone="13800000000")
    achievement.contact_phone = "13900000000"
    achievement._history_user = center_staff
    achievement._change_reason = "联系人更换"
    achievement.save()
    client.force_login(center_staff)
    html = _history(client, "achievement", achievement.pk).content.decode()
    assert '<del class="text-danger">13800000000</del>' in html
    assert '<ins class="text-success">13900000000</ins>' in html
    assert "联系人更换" in html
    # A deleted record has left every page, its history page too (admins read it in /audit/).
    achievement_soft_delete(achievement, acting_user=center_staff, reason="重复录入")
    assert _history(client, "achievement", achievement.pk).status_code == 404


def test_the_record_pages_link_to_their_history(client, center_staff):
    achievement = AchievementFactory(status="submitted")
    client.force_login(center_staff)
    page = client.get(
        reverse("achievements:achievement_detail", args=[achievement.pk])
    ).content.decode()
    assert reverse("towns:record_history", args=["achievement", achievement.pk]) in page
    broker = BrokerFactory()
    page = client.get(reverse("brokers:broker_detail", args=[broker.pk])).content.decode()
    assert reverse("towns:record_history", args=["broker", broker.pk]) in page


def test_the_record_scope_applies(client, leader, liaison, center_staff):
    draft = AchievementFactory(status="draft")
    client.force_login(leader)
    # Leaders do not read drafts: their history is a 404 as the page is.
    assert _history(client, "achievement", draft.pk).status_code == 404
    assert _history(client, "nothing", draft.pk).status_code == 404
    # Liaisons read their records on the page itself (history card), not here.
    client.force_login(liaison)
    assert _history(client, "achievement", draft.pk).status_code == 403


def test_broker_personal_data_is_masked_for_leaders(client, leader, center_staff):
    broker = BrokerFactory(phone="13700000000")
    broker.phone = "13600000000"
    broker.save()
    client.force_login(leader)
    html = _history(client, "broker", broker.pk).content.decode()
    assert "13600000000" not in html and "***" in html
    client.force_login(center_staff)
    html = _history(client, "broker", broker.pk).content.decode()
    assert "13600000000" in html


def test_history_query_count_does_not_grow_with_versions(
    client, center_staff, django_assert_max_num_queries
):
    achievement = AchievementFactory(status="submitted")
    client.force_login(center_staff)
    _history(client, "achievement", achievement.pk)  # warm the per-process caches
    for n in range(30):
        achievement.holder = f"持有人{n}"
        achievement.save()
    with django_assert_max_num_queries(14) as one:
        assert _history(client, "achievement", achievement.pk).status_code == 200
    expected = len(one.captured_queries)
    other = AchievementFactory(status="submitted")
    other.holder = "甲"
    other.save()
    with django_assert_max_num_queries(expected):
        assert _history(client, "achievement", other.pk).status_code == 200
