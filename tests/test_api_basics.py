import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200
    assert b"openapi" in schema.content
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    # Swagger UI comes from our own static files, never a CDN.
    assert b"cdn" not in docs.content.lower()


def test_token_authentication(client, liaison):
    from .factories import TEST_PASSWORD

    response = client.post(
        reverse("api-token"), {"username": liaison.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert client.get("/api/v1/").status_code in (401, 403)
