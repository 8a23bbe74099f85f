"""The quality target of matching, measured on the labelled set through the public interface:
achievements indexed by the management command, demands posted through the API, the ranking read
back through the API. `manage.py bench_matching` reports the same figures, and latency at scale."""

from io import StringIO

import pytest
from django.core.management import call_command

from achievements.matching.evaluation import (
    Quality,
    dcg,
    load_independent_set,
    load_labelled_set,
    ndcg_at,
    recall_at,
)
from towns.choices import Role

from ...factories import AchievementFactory, UserFactory, division, industry, unit
from .factories import enterprise_account

pytestmark = pytest.mark.django_db

TARGET_NDCG = 0.8


def test_the_metrics_are_the_textbook_ones():
    relevant = {"a": 2, "b": 1}
    assert ndcg_at(["a", "b", "x"], relevant) == pytest.approx(1.0)
    assert ndcg_at(["x", "a", "b"], relevant) == pytest.approx(dcg([0, 2, 1]) / dcg([2, 1]))
    assert ndcg_at(["x", "y"], relevant) == 0
    assert recall_at(["b", "x"], relevant) == 0.5


def test_the_labelled_set_is_big_enough_and_consistent():
    labelled = load_labelled_set()
    assert len(labelled.demands) >= 40
    assert {d.split for d in labelled.demands} == {"dev", "holdout"}
    assert all(d.relevant for d in labelled.demands)
    # Cross-field cases: a relevant achievement outside the demand's own field.
    fields = {a.key: a.field for a in labelled.achievements}
    cross = [d for d in labelled.demands if any(fields[k] != d.field for k in d.relevant)]
    assert len(cross) >= 15


def test_the_labelled_demands_meet_the_quality_target(client, django_capture_on_commit_callbacks):
    labelled = load_labelled_set()
    author = UserFactory(role=Role.LIAISON, unit=unit("dgut"), username="labelled_author")
    keys = {}
    for item in labelled.achievements:
        achievement = AchievementFactory(
            title=item.title,
            summary=item.summary,
            field=industry(item.field),
            landing_division=division(item.division) if item.division else None,
            created_by=author,
        )
        keys[achievement.pk] = item.key
    call_command("rebuild_match_index", stdout=StringIO())

    client.force_login(enterprise_account("labelled_enterprise"))
    posted = {}
    for demand in labelled.demands:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/v1/demands/",
                {
                    "kind": demand.kind,
                    "title": demand.title,
                    "description": demand.description,
                    "field": demand.field,
                    "division": demand.division or "441900003",
                    "contact_name": "厂长",
                    "contact_phone": "0769-22881234",
                },
                content_type="application/json",
            )
        assert response.status_code == 201, response.json()
        posted[demand.id] = response.json()["id"]

    client.force_login(UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="judge"))
    quality = Quality()
    for demand in labelled.demands:
        results = client.get(f"/api/v1/demands/{posted[demand.id]}/matches/", {"limit": 10}).json()[
            "results"
        ]
        quality.add(demand.id, [keys[row["achievement"]] for row in results], demand.relevant)

    holdout = [d.id for d in labelled.demands if d.split == "holdout"]
    worst = sorted(quality.ndcg.items(), key=lambda item: item[1])[:5]
    assert quality.mean_ndcg() >= TARGET_NDCG, worst
    assert quality.mean_ndcg(holdout) >= TARGET_NDCG, worst
    assert quality.mean_recall() >= 0.8


def test_the_independent_set_is_judged_over_both_corpora():
    """The blind set (issue 17): every judged key exists in the labelled or the blind corpus,
    and it holds the kinds of demand the targets name."""
    independent = load_independent_set()
    assert len(independent.achievements) == 320
    assert len(independent.demands) >= 40
    styles = {d.style for d in independent.demands}
    assert {"vocabulary_gap", "cross_field", "no_field"} <= styles
    assert all(d.split == "independent" for d in independent.demands)
