"""The landing and quotas part of seed_demo: a plausible picture, made once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from achievements.choices import AchievementStatus, LandingState
from achievements.models import Achievement, Landing, LandingEvidence
from quotas import selectors
from quotas.models import LandingQuota, Report
from towns.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_lands_achievements_over_the_plan_years_once(client):
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    counts = {
        model: model.objects.count() for model in (Landing, LandingEvidence, LandingQuota, Report)
    }
    this_year = timezone.localdate().year
    # Every landed achievement (the brokers demo's too) has a verified landing record.
    landed = Achievement.objects.filter(status=AchievementStatus.LANDED)
    assert landed.count() == Landing.objects.landed().count() > 150
    assert not landed.filter(landing__isnull=True).exists()
    for year in range(2024, this_year + 1):
        assert Landing.objects.landed_in(year).count() >= 20, year
        assert LandingQuota.objects.filter(year=year).count() >= 26, year
    assert Landing.objects.filter(state=LandingState.PROPOSED).exists()
    assert Landing.objects.filter(state=LandingState.COLLECTING).exists()
    # Offsets and landmarks show somewhere in the plan years.
    rows = [row for year in range(2024, this_year + 1) for row in selectors.quota_progress(year)]
    assert any(row.offset_in for row in rows) and any(row.offset_out for row in rows)
    assert any(item.met for row in rows for item in row.landmarks)
    assert Report.objects.filter(kind="biweekly").exists()
    assert Report.objects.filter(kind="quarterly").exists()

    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    assert {
        model: model.objects.count() for model in (Landing, LandingEvidence, LandingQuota, Report)
    } == counts

    client.force_login(User.objects.get(username="leader_kjj"))
    page = client.get(reverse("quotas:dashboard")).content.decode()
    # Every city KPI has demo figures for the current year, the contract amount included.
    assert 'data-testid="quota-ranking"' in page and "暂无记录" not in page
