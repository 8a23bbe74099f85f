import os
from io import StringIO
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from config.celery import app as celery_app
from towns.choices import Role
from towns.models import Division

from .factories import UserFactory, unit


def _private_cache() -> None:
    """Each test process gets a cache of its own: `cache.clear()` runs around every test and
    must not touch the broker's queues, another xdist worker's cache, nor the file cache of a
    `make run` on the same checkout. With Redis, a database of its own; without, memory."""
    cache_settings = settings.CACHES["default"]
    if "Redis" not in cache_settings["BACKEND"]:
        settings.CACHES["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        return
    url = urlsplit(cache_settings["LOCATION"])
    base = int(url.path.strip("/") or 0)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    cache_settings["LOCATION"] = urlunsplit(url._replace(path=f"/{(base + 1 + worker) % 16}"))


_private_cache()

# Tests run tasks inline even when REDIS_URL points at a real broker; the tests that need a real
# worker (marked `services`) switch this off themselves.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread (LocaleMiddleware does not
    reset it): each test starts in the default language, whatever ran before it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def render_afresh(client):
    """Pages rendered by their views on every request, as on a forced reload (kernel/pagecache.py):
    for tests that count the queries of the rendering rather than of a served copy."""
    client.defaults["HTTP_CACHE_CONTROL"] = "no-cache"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once into the fresh test database."""
    with django_db_blocker.unblock():
        _load_reference()


@pytest.fixture(autouse=True)
def reference(request):
    """Reference data in every database test (reloaded after a transactional test flushed it)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    if not Division.objects.exists():
        _load_reference()


def _load_reference():
    call_command("load_reference", verbosity=0, stdout=StringIO())


@pytest.fixture
def liaison(db):
    return UserFactory(role=Role.LIAISON, unit=unit("dgut"), username="liaison_a", name="李联络")


@pytest.fixture
def other_liaison(db):
    return UserFactory(role=Role.LIAISON, unit=unit("441900119"), username="liaison_b")


@pytest.fixture
def center_staff(db):
    return UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="staff_a")


@pytest.fixture
def evaluator(db):
    return UserFactory(role=Role.EVALUATOR, username="expert_a")


@pytest.fixture
def leader(db):
    return UserFactory(role=Role.LEADER, unit=unit("kjj"), username="leader_a")


@pytest.fixture
def enterprise_user(db):
    from .factories import EnterpriseFactory

    return UserFactory(role=Role.ENTERPRISE, enterprise=EnterpriseFactory(), username="ent_a")


@pytest.fixture
def broker_user(db):
    return UserFactory(role=Role.BROKER, username="broker_a")


@pytest.fixture
def investor(db):
    from .factories import investor_account

    return investor_account("investor_a")


@pytest.fixture
def portal_admin(db):
    return UserFactory(role=Role.ADMIN, username="admin_a", is_staff=True, is_superuser=True)


@pytest.fixture
def users_by_role(
    liaison, center_staff, evaluator, leader, enterprise_user, broker_user, investor, portal_admin
):
    return {
        Role.LIAISON: liaison,
        Role.CENTER_STAFF: center_staff,
        Role.EVALUATOR: evaluator,
        Role.LEADER: leader,
        Role.ENTERPRISE: enterprise_user,
        Role.BROKER: broker_user,
        Role.INVESTOR: investor,
        Role.ADMIN: portal_admin,
    }
