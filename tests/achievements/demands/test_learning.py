"""Learning from the center's decisions: judgments read from the matches, weights shrunk and
bounded, recomputed through the outbox, and applied in the ranking (neutral without judgments)."""

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from achievements import matching
from achievements.choices import MatchStatus
from achievements.matching import learning
from achievements.matching.ranking import DemandQuery
from achievements.models import Demand, Match, MatchLearning
from achievements.selectors.judgments import match_judgments
from achievements.tasks.demands import task_match_demand, task_recompute_match_learning
from towns.models import OutboxMessage

pytestmark = pytest.mark.django_db

TASK = "achievements.tasks.demands.task_recompute_match_learning"


@pytest.fixture
def posted(
    client, enterprise_user, demand_form, moulding_achievements, django_capture_on_commit_callbacks
):
    client.force_login(enterprise_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("achievements:demand_create"), demand_form)
    client.logout()
    return Demand.objects.get()


def suggested(demand) -> list[Match]:
    return list(demand.matches.filter(status=MatchStatus.SUGGESTED).ranked())


def decide(client, center_staff, enterprise_user, demand, capture):
    """Staff propose the best two and reject the third; the enterprise accepts the first
    proposal and declines the second."""
    first, second, third = suggested(demand)[:3]
    with capture(execute=True):
        client.force_login(center_staff)
        client.post(reverse("achievements:match_propose", args=[first.pk]))
        client.post(reverse("achievements:match_propose", args=[second.pk]))
        client.post(reverse("achievements:match_reject", args=[third.pk]), {"reason": "方向不符"})
        client.force_login(enterprise_user)
        client.post(reverse("achievements:match_accept", args=[first.pk]))
        client.post(reverse("achievements:match_decline", args=[second.pk]), {"reason": "预算不够"})
    return first, second, third


def test_every_decision_is_a_judgment_and_queues_the_recompute(
    client, center_staff, enterprise_user, posted, django_capture_on_commit_callbacks
):
    first, second, third = decide(
        client, center_staff, enterprise_user, posted, django_capture_on_commit_callbacks
    )
    found = {(j.achievement_id, j.by): j.positive for j in match_judgments()}
    assert found == {
        (first.achievement_id, "staff"): True,
        (first.achievement_id, "enterprise"): True,
        (second.achievement_id, "staff"): True,
        (second.achievement_id, "enterprise"): False,
        (third.achievement_id, "staff"): False,
    }
    # Five decisions, five recomputes queued through the outbox (and run after each commit).
    assert OutboxMessage.objects.filter(task=TASK).count() == 5
    assert MatchLearning.objects.get().judgments == 5


def test_the_recompute_is_idempotent(
    client, center_staff, enterprise_user, posted, django_capture_on_commit_callbacks
):
    decide(client, center_staff, enterprise_user, posted, django_capture_on_commit_callbacks)
    assert task_recompute_match_learning() == 5
    stored = MatchLearning.objects.get().weights
    assert task_recompute_match_learning() == 5
    assert MatchLearning.objects.count() == 1
    assert MatchLearning.objects.get().weights == stored


def test_without_judgments_the_ranking_is_exactly_as_before(client, center_staff, posted):
    vocabulary = matching.vocabulary()
    query = DemandQuery.from_json(posted.match_profile)
    before = matching.rank(vocabulary, query, limit=20, adjustments=learning.Adjustments())
    assert task_recompute_match_learning() == 0
    assert learning.current().neutral
    after = matching.rank(vocabulary, query, limit=20)
    assert [(r.achievement_id, r.score) for r in after] == [
        (r.achievement_id, r.score) for r in before
    ]
    scores = {m.achievement_id: m.score for m in suggested(posted)}
    task_match_demand(demand_id=posted.pk)
    assert {m.achievement_id: m.score for m in suggested(posted)} == scores


def test_too_few_judgments_learn_nothing():
    few = [learning.Judged(True, frozenset({"#1"}), 1.0, True)] * (learning.MIN_JUDGMENTS - 1)
    assert learning.learn(few).neutral


def judgment(positive: bool, concept: str, *, same_field: bool = True) -> learning.Judged:
    return learning.Judged(positive, frozenset({concept}), 0.5, same_field)


def test_an_accepted_concept_rises_and_a_rejected_one_falls(posted):
    vocabulary = matching.vocabulary()
    query = DemandQuery.from_json(posted.match_profile)
    neutral = learning.Adjustments()
    ranked = matching.rank(vocabulary, query, limit=20, adjustments=neutral)
    ids = [r.achievement_id for r in ranked]
    features = matching.ranking.judged_features(query, [(pk, None, True) for pk in ids])
    concepts = {pk: f.concepts for pk, f in zip(ids, features, strict=True)}
    # A concept some of the ranked achievements share with the demand, and others do not.
    concept = next(
        c for pk in ids for c in sorted(concepts[pk]) if any(c not in concepts[o] for o in ids)
    )
    with_it = {pk for pk in ids if concept in concepts[pk]}
    # The center accepted the achievements bridged by this concept and rejected others.
    judged = [judgment(True, concept) for _ in range(30)] + [
        judgment(False, "#other") for _ in range(30)
    ]
    accepted = learning.learn(judged)
    assert accepted.concepts[concept] > 1.0
    rejected = learning.learn([judgment(not j.positive, next(iter(j.concepts))) for j in judged])
    assert rejected.concepts[concept] < 1.0

    def scores(adjustments):
        found = matching.rank(vocabulary, query, limit=20, adjustments=adjustments)
        return {r.achievement_id: r.score for r in found}

    plain = scores(neutral)
    up, down = scores(accepted), scores(rejected)
    for pk in with_it:
        assert up[pk] > plain[pk] > down[pk]


def test_weights_shrink_towards_one_with_few_judgments():
    def multiplier(count: int) -> float:
        judged = [judgment(True, "#good") for _ in range(count)] + [
            judgment(False, "#bad") for _ in range(count)
        ]
        return learning.learn(judged).concepts["#good"]

    assert 1.0 < multiplier(3) < multiplier(10) < multiplier(40) <= learning.UPPER
    # Three accepted of six judgments move the concept's weight by less than a fifth.
    assert multiplier(3) < 1.2


judgments_strategy = st.lists(
    st.builds(
        learning.Judged,
        positive=st.booleans(),
        concepts=st.frozensets(st.sampled_from(["#1", "#2", "#3", "#4"]), max_size=3),
        concept_share=st.floats(0, 1),
        same_field=st.booleans(),
        has_text=st.booleans(),
    ),
    max_size=80,
)


@settings(max_examples=80, deadline=None)
@given(judgments_strategy)
def test_weights_are_bounded(judged):
    learned = learning.learn(judged)
    values = [
        *learned.concepts.values(),
        learned.concept_hits,
        learned.word_overlap,
        learned.field_bonus,
    ]
    assert all(learning.LOWER <= value <= learning.UPPER for value in values)
    assert learning.Adjustments.from_json(learned.as_json()) == learned
