"""Staff propose or reject many suggestions at once: each row through the same transition as
one click, each with its own result; a row that cannot move stays as it was."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from achievements.choices import MatchStatus
from achievements.models import Match
from achievements.services.discovery import achievement_soft_delete
from towns.models import Notification

from .test_matching import posted  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _bulk(client, demand, ids, **data):
    return client.post(reverse("achievements:match_bulk", args=[demand.pk]), {"match": ids, **data})


def test_staff_propose_several_and_each_row_reports(client, center_staff, enterprise_user, posted):  # noqa: F811
    suggestions = list(Match.objects.filter(demand=posted, status=MatchStatus.SUGGESTED))
    assert len(suggestions) >= 3
    first, second, gone = suggestions[:3]
    achievement_soft_delete(gone.achievement, acting_user=center_staff, reason="重复录入")
    client.force_login(center_staff)
    page = client.get(reverse("achievements:demand_detail", args=[posted.pk])).content.decode()
    assert 'form="bulk-matches"' in page and f'value="{first.pk}"' in page

    response = _bulk(
        client, posted, [first.pk, second.pk, gone.pk], action="propose", note="建议对接"
    )
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "已将 2 项成果推荐给企业。" in texts
    assert "1 项已不在该需求的推荐中（成果可能已被删除），未处理。" in texts
    statuses = dict(
        Match.objects.filter(pk__in=[first.pk, second.pk, gone.pk]).values_list("pk", "status")
    )
    assert statuses == {
        first.pk: MatchStatus.PROPOSED,
        second.pk: MatchStatus.PROPOSED,
        gone.pk: MatchStatus.SUGGESTED,
    }
    assert Match.objects.get(pk=first.pk).note == "建议对接"
    assert (
        Notification.objects.filter(recipient=enterprise_user, kind="match_proposed").count() == 2
    )

    # Proposed again: refused with its reason, nothing changes.
    client.get(
        reverse("achievements:demand_detail", args=[posted.pk])
    )  # shows (and so clears) the messages
    response = _bulk(client, posted, [first.pk], action="propose")
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(texts) == 1 and texts[0].startswith(f"{first.achievement.title}：")
    assert Match.objects.get(pk=first.pk).status == MatchStatus.PROPOSED


def test_bulk_reject_needs_a_reason_and_records_it(client, center_staff, posted):  # noqa: F811
    ids = list(
        Match.objects.filter(demand=posted, status=MatchStatus.SUGGESTED).values_list(
            "pk", flat=True
        )[:2]
    )
    client.force_login(center_staff)
    response = _bulk(client, posted, ids, action="reject", reason="")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["该字段是必填项。"]
    assert Match.objects.filter(pk__in=ids, status=MatchStatus.SUGGESTED).count() == 2
    _bulk(client, posted, ids, action="reject", reason="方向不符")
    assert set(Match.objects.filter(pk__in=ids).values_list("status", "reject_reason")) == {
        (MatchStatus.REJECTED, "方向不符")
    }


def test_the_enterprise_and_leaders_cannot_bulk_decide(client, enterprise_user, leader, posted):  # noqa: F811
    ids = list(Match.objects.filter(demand=posted).values_list("pk", flat=True)[:2])
    for user in (enterprise_user, leader):
        client.force_login(user)
        assert _bulk(client, posted, ids, action="propose").status_code == 403
    assert not Match.objects.filter(pk__in=ids).exclude(status=MatchStatus.SUGGESTED).exists()
