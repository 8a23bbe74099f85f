import pytest

from ..achievements.service.fixtures import client, commits  # noqa: F401
from .factories import evaluator_user


@pytest.fixture
def evaluator_b(db):
    return evaluator_user("expert_b", name="徐专家")


@pytest.fixture
def outside_evaluator(db):
    return evaluator_user("expert_out", name="外批次专家")
