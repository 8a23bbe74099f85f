"""API tokens expire, are revoked on password change and deactivation, can be revoked by their
owner (API and the account page) and listed and revoked by an admin; web logout leaves them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

API = "/api/v1/achievements/"
# A refused token: 403, as the first authentication class (the session) sends no challenge.
REFUSED = 403


def obtain(client, user) -> str:
    response = client.post(
        reverse("api-token"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    return response.json()["token"]


def status_with(client, token) -> int:
    return client.get(API, HTTP_AUTHORIZATION=f"Token {token}").status_code


def test_a_token_expires_after_the_configured_number_of_days(client, liaison, settings):
    response = client.post(
        reverse("api-token"), {"username": liaison.username, "password": TEST_PASSWORD}
    )
    expiry = parse_datetime(response.json()["expiry"])
    assert settings.API_TOKEN_TTL_DAYS == 30
    assert abs(expiry - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    token = response.json()["token"]
    assert status_with(client, token) == 200
    # Thirty days later (the clock moved on): refused, and the row is gone.
    AuthToken.objects.filter(user=liaison).update(expiry=timezone.now() - timedelta(seconds=1))
    assert status_with(client, token) == REFUSED
    assert AuthToken.objects.filter(user=liaison).count() == 0


def test_the_lifetime_is_a_setting(client, liaison, settings):
    settings.REST_KNOX = {"TOKEN_TTL": timedelta(days=7)}
    expiry = parse_datetime(
        client.post(
            reverse("api-token"), {"username": liaison.username, "password": TEST_PASSWORD}
        ).json()["expiry"]
    )
    assert abs(expiry - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


def test_changing_the_password_revokes_every_token(client, liaison):
    tokens = [obtain(client, liaison), obtain(client, liaison)]
    client.force_login(liaison)
    response = client.post(
        reverse("towns:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Another-pass-2027",
            "new_password2": "Another-pass-2027",
        },
    )
    assert response.status_code == 302
    client.logout()
    assert [status_with(client, token) for token in tokens] == [REFUSED, REFUSED]
    assert AuthToken.objects.filter(user=liaison).count() == 0


def test_deactivating_a_user_revokes_every_token(client, liaison):
    token = obtain(client, liaison)
    liaison.is_active = False
    liaison.save()
    liaison.is_active = True  # reactivated later: the old token stays dead
    liaison.save()
    assert status_with(client, token) == REFUSED


def test_logging_out_of_the_web_session_keeps_api_tokens(client, liaison):
    token = obtain(client, liaison)
    client.force_login(liaison)
    client.post(reverse("towns:logout"))
    assert status_with(client, token) == 200


def test_the_owner_revokes_the_token_in_use_or_all_of_them_through_the_api(client, liaison):
    first, second, third = obtain(client, liaison), obtain(client, liaison), obtain(client, liaison)
    revoke = client.post(reverse("api-token-revoke"), HTTP_AUTHORIZATION=f"Token {first}")
    assert revoke.status_code == 204
    assert [status_with(client, t) for t in (first, second, third)] == [REFUSED, 200, 200]
    revoke_all = client.post(reverse("api-tokens-revoke-all"), HTTP_AUTHORIZATION=f"Token {second}")
    assert (revoke_all.status_code, revoke_all.json()) == (200, {"revoked": 2})
    assert [status_with(client, t) for t in (second, third)] == [REFUSED, REFUSED]


def test_the_owner_sees_and_revokes_their_tokens_on_the_account_page(client, liaison, leader):
    kept, revoked = obtain(client, liaison), obtain(client, liaison)
    other = obtain(client, leader)
    client.force_login(liaison)
    page = client.get(reverse("towns:api_tokens"))
    assert page.content.decode().count('data-testid="api-token"') == 2
    digest_of = {t.token_key: t.digest for t in AuthToken.objects.all()}
    response = client.post(
        reverse("towns:api_tokens"), {"digest": digest_of[revoked[:15]]}, follow=True
    )
    assert "已撤销 1 个 API 令牌。" in response.content.decode()
    # Another user's token is not the owner's to revoke.
    response = client.post(
        reverse("towns:api_tokens"), {"digest": digest_of[other[:15]]}, follow=True
    )
    assert "没有找到该令牌，可能已过期或已撤销。" in response.content.decode()
    client.logout()
    assert [status_with(client, t) for t in (kept, revoked, other)] == [200, REFUSED, 200]
    client.force_login(liaison)
    client.post(reverse("towns:api_tokens"), {"all": "1"})
    client.logout()
    assert status_with(client, kept) == REFUSED


def test_an_admin_lists_and_revokes_tokens_in_the_django_admin(client, liaison, portal_admin):
    token = obtain(client, liaison)
    changelist = reverse("admin:knox_authtoken_changelist")
    client.force_login(portal_admin)
    assert liaison.display_name in client.get(changelist).content.decode()
    digest = AuthToken.objects.get(user=liaison).digest
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [digest], "post": "yes"}
    )
    assert response.status_code == 302
    client.logout()
    assert status_with(client, token) == REFUSED
