from io import StringIO

import pytest
from django.core.management import call_command

from achievements.choices import EventStatus, MatchStatus
from achievements.models import (
    ContactExchange,
    Demand,
    ExternalAchievement,
    Inquiry,
    Match,
    MatchmakingEvent,
    ShowcaseEntry,
)

pytestmark = pytest.mark.django_db


def counts():
    return {
        "demands": Demand.objects.count(),
        "matches": Match.objects.count(),
        "proposed": Match.objects.exclude(status=MatchStatus.SUGGESTED).count(),
        "exchanges": ContactExchange.objects.count(),
        "inquiries": Inquiry.objects.count(),
        "events": MatchmakingEvent.objects.count(),
        "held": MatchmakingEvent.objects.filter(status=EventStatus.HELD).count(),
        "external": ExternalAchievement.objects.count(),
        "public": ShowcaseEntry.objects.count(),
    }


def test_the_demo_fills_every_page_of_the_demand_window_and_runs_twice_the_same():
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    first = counts()
    assert first["demands"] == 12
    assert first["matches"] > 60 and first["proposed"] >= 10
    assert first["exchanges"] == 3
    assert first["inquiries"] == 4
    assert (first["events"], first["held"]) == (9, 7)
    assert first["external"] == 10 and first["public"] >= 40
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    assert counts() == first
