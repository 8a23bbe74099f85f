import pytest

from towns.choices import Role

from ...factories import UserFactory, unit
from .fixtures import client, commits  # noqa: F401


@pytest.fixture
def other_staff(db):
    return UserFactory(
        role=Role.CENTER_STAFF, unit=unit("center"), username="staff_b", name="林专员"
    )


@pytest.fixture
def unit_leader(db):
    return UserFactory(
        role=Role.LEADER, unit=unit("dgut"), username="leader_dgut", name="东莞理工领导"
    )
