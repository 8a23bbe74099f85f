import pytest

from towns.choices import Role

from ..factories import UserFactory
from .factories import BrokerFactory


@pytest.fixture
def broker(broker_user):
    """The broker user's own record, in the library."""
    return BrokerFactory(user=broker_user, name="孙立新")


@pytest.fixture
def other_broker_user(db):
    return UserFactory(role=Role.BROKER, username="broker_b")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
