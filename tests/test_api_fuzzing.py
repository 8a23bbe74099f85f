"""API fuzzing: schemathesis generates requests from the OpenAPI schema (drf-spectacular,
/api/schema/) and sends them to the portal in-process, as a staff user and anonymously.

Every response must be free of server errors and conform to the schema (status code documented,
body valid against the response schema, content type as declared). The number of examples per
operation is bounded (API_FUZZ_EXAMPLES, default 3; anonymously 1,
as every operation refuses before reading the request) so the whole run stays under a minute.
"""

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
)

from towns.choices import Role

from .achievements.demands.factories import DemandFactory, enterprise_account
from .factories import AchievementFactory, UserFactory, api_token, unit

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "3"))

pytestmark = pytest.mark.django_db


def load_schema():
    """The schema exactly as /api/schema/ serves it (through the JSON renderer)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    raw = json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = get_wsgi_application()
    return loaded


schema = load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """schemathesis calls the WSGI handler itself, which closes the database connection after each
    request (`close_old_connections`) — inside the test's transaction on PostgreSQL. Django's
    test client switches that off in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A few records, so that list and detail operations have something to return.
    staff = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="fuzz_staff")
    AchievementFactory(discovering_unit=unit("dgut"))
    DemandFactory(created_by=enterprise_account("fuzz_ent"))
    return api_token(staff)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


# Two checks that cannot hold here: `positive_data_acceptance` expects every schema-valid request
# to succeed, but an id that is a valid integer may name no division or record (a 400 saying so is
# right); `ignored_auth` swaps in made-up credentials, which the fixed token header overrides;
# `negative_data_rejection` wants every ill-typed filter refused, while django-filter reads
# `?year=0.5` as a number and simply matches nothing (harmless, and what the HTML lists do too).
NOT_APPLICABLE = [positive_data_acceptance, ignored_auth, negative_data_rejection]


@schema.parametrize()
@FUZZ
def test_api_as_staff(case, staff_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {staff_token}"}, excluded_checks=NOT_APPLICABLE
    )


@schema.parametrize()
@settings(FUZZ, max_examples=1)
def test_api_anonymously(case, db):
    case.call_and_validate(excluded_checks=NOT_APPLICABLE)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/landings/?year=65248",
        "/landings/?year=65248",
        "/events/?year=65248",
        "/reports/?year=65248",
        "/api/v1/tech-contracts/?year=0",
        "/tech-contracts/?year=0",
    ],
)
def test_a_year_out_of_range_is_refused_not_a_server_error(client, url):
    """Found by the fuzzing: `?year=65248` and `?year=0` overflowed the date lookup (500)."""
    staff = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="fuzz_staff")
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code in (200, 400)
    if url.startswith("/api/"):
        assert response.status_code == 400
        assert set(response.json()) == {"year"}


def test_an_unknown_api_address_answers_json(client):
    """Found by the fuzzing: `/api/v1/brokers/0.5/` matched no route and got the HTML 404 page."""
    response = client.get("/api/v1/brokers/0.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
