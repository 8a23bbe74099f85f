"""One way to change a status: kernel.transitions.transition and the models' declarations."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from achievements.choices import DemandStatus
from achievements.exceptions import TransitionNotAllowed
from achievements.models import Demand
from brokers.exceptions import ActionRefused
from evaluation.choices import ValuationStatus
from evaluation.services import valuation_request
from kernel.exceptions import Refused
from kernel.transitions import (
    declared,
    status_field,
    transition,
    workflow_models,
    workflows_markdown,
)

from .achievements.demands.factories import DemandFactory
from .evaluation.factories import submitted

README = Path(settings.BASE_DIR) / "README.md"
WORKFLOW_MODELS = {
    "towns.Enterprise",
    "achievements.Achievement",
    "achievements.Demand",
    "achievements.Match",
    "achievements.Inquiry",
    "achievements.MatchmakingEvent",
    "achievements.Landing",
    "evaluation.Batch",
    "evaluation.FastTrackReview",
    "evaluation.Valuation",
    "brokers.Broker",
    "brokers.PocCenter",
    "brokers.RewardList",
    "investors.Docking",
    "brokers.TownSelection",
}


def test_every_workflow_declares_its_steps_once_with_its_own_statuses():
    assert {model._meta.label for model in workflow_models()} == WORKFLOW_MODELS
    for model in workflow_models():
        values = {value for value, _label in model._meta.get_field(status_field(model)).choices}
        for to, sources in declared(model).items():
            assert to in values, (model, to)
            assert sources <= values, (model, sources - values)
            assert sources, (model, to)


def test_the_readme_shows_the_declared_workflows():
    text = README.read_text(encoding="utf-8")
    shown = re.search(r"<!-- workflows:start -->\n(.*)\n<!-- workflows:end -->", text, re.S)
    with translation.override("zh-hans"):
        expected = workflows_markdown()
    assert shown is not None
    assert shown.group(1) == expected, "run `manage.py workflow_diagrams` and paste it"


def test_the_portal_has_one_refusal():
    assert TransitionNotAllowed is Refused
    assert ActionRefused is Refused


@pytest.mark.django_db
def test_a_step_succeeds_exactly_when_it_is_declared(center_staff):
    """Every (current status, target) pair of a demand: allowed iff declared; an allowed step is
    in the history and the demand's timeline with who and why, a refusal changes nothing and
    says, in Chinese, where the record stands."""
    demand = DemandFactory()
    steps = declared(Demand)
    for current in DemandStatus.values:
        for target in steps:
            Demand.objects.filter(pk=demand.pk).update(status=current)
            history, timeline = demand.history.count(), demand.transitions.count()
            if current in steps[target]:
                moved = transition(demand, to=target, acting_user=center_staff, reason="企业来电")
                assert Demand.objects.get(pk=demand.pk).status == target
                latest = moved.history.latest()
                assert (latest.history_user, latest.history_change_reason, latest.status) == (
                    center_staff,
                    "企业来电",
                    target,
                )
                logged = demand.transitions.latest("pk")
                assert (logged.from_status, logged.to_status, logged.actor, logged.reason) == (
                    current,
                    target,
                    center_staff,
                    "企业来电",
                )
            else:
                with pytest.raises(Refused) as refused:
                    transition(demand, to=target, acting_user=center_staff)
                now, then = DemandStatus(current).label, DemandStatus(target).label
                assert refused.value.messages == [f"当前状态为“{now}”，不能变更为“{then}”。"]
                assert Demand.objects.get(pk=demand.pk).status == current
                assert demand.history.count() == history
                assert demand.transitions.count() == timeline


@pytest.mark.django_db
def test_a_step_outside_the_declaration_is_a_programming_error(center_staff):
    valuation = valuation_request(
        achievement=submitted(),
        agency="广东中联资产评估有限公司",
        requested_on=date(2025, 4, 1),
        acting_user=center_staff,
    )
    with pytest.raises(ImproperlyConfigured):
        transition(valuation, to=ValuationStatus.REQUESTED, acting_user=center_staff)
    with pytest.raises(ImproperlyConfigured):
        transition(
            valuation,
            to=ValuationStatus.IN_PROGRESS,
            allowed_from=[ValuationStatus.COMPLETED],
            acting_user=center_staff,
        )
