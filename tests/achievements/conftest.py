import pytest


@pytest.fixture
def liaison_client(client, liaison):
    client.force_login(liaison)
    return client


@pytest.fixture
def staff_client(client, center_staff):
    client.force_login(center_staff)
    return client
