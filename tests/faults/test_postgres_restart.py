"""After PostgreSQL restarts, the portal's connections recover without restarting the portal.

A private cluster is started on a free port and reached through a connection configured exactly
like the portal's own (`CONN_MAX_AGE` kept across requests, `CONN_HEALTH_CHECKS` on). Each
"request" is what Django's handler does around one: `close_if_unusable_or_obsolete` at its start
and end (the `close_old_connections` receiver).
"""

import pytest
from django.conf import settings
from django.db import DatabaseError, connections

from .services import PostgresCluster, needs_postgres

pytestmark = [pytest.mark.services, needs_postgres]


@pytest.fixture
def cluster():
    cluster = PostgresCluster()
    cluster.init()
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture
def portal_connection(cluster, django_db_blocker):
    """Two aliases onto the private cluster: the portal's settings, and a control without the
    health check."""
    portal = settings.DATABASES["default"]
    base = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": str(cluster.port),
        "CONN_MAX_AGE": portal["CONN_MAX_AGE"],
    }
    aliases = {
        "faults_portal": {**base, "CONN_HEALTH_CHECKS": portal["CONN_HEALTH_CHECKS"]},
        "faults_control": {**base, "CONN_HEALTH_CHECKS": False},
    }
    configured = connections.configure_settings(
        {"default": dict(connections.settings["default"]), **aliases}
    )
    for alias in aliases:
        connections.settings[alias] = configured[alias]
    with django_db_blocker.unblock():
        yield {alias: connections[alias] for alias in aliases}
        for alias in aliases:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]


def request(connection) -> int:
    """One request: the connection is checked at its start, used, and kept at its end."""
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    connection.close_if_unusable_or_obsolete()
    return pid


def test_the_portal_settings_keep_connections_and_check_their_health():
    portal = settings.DATABASES["default"]
    assert portal["CONN_MAX_AGE"] > 0
    assert portal["CONN_HEALTH_CHECKS"] is True


def test_after_a_postgresql_restart_the_next_request_reconnects(cluster, portal_connection):
    portal, control = portal_connection["faults_portal"], portal_connection["faults_control"]
    first = request(portal)
    assert request(portal) == first, "the connection is kept between requests (CONN_MAX_AGE)"
    request(control)

    cluster.restart()

    # The kept connection died with the server; the health check at the start of the request
    # notices and opens a new one, so the request succeeds.
    after = request(portal)
    assert after != first
    assert request(portal) == after
    # Without the health check the same request would fail: the test does see a dead connection.
    with pytest.raises(DatabaseError):
        request(control)
    # … and only that one request: Django discards the broken connection afterwards.
    control.close_if_unusable_or_obsolete()
    assert request(control)
