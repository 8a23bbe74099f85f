"""API tokens (django-rest-knox): issue, list and revoke.

A token is stored only as its hash, expires `API_TOKEN_TTL_DAYS` after it was issued, and is
revoked when its owner revokes it, changes their password or is deactivated (towns/signals.py).
Logging out of the web session leaves tokens alone: they belong to API clients (scripts,
other systems) that the browser session knows nothing of.
"""

import logging

from django.contrib.auth.models import AbstractUser as User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken

logger = logging.getLogger(__name__)


def api_tokens_of(user: User) -> QuerySet[AuthToken]:
    """The user's tokens still valid, newest first."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


@transaction.atomic
def api_token_issue(*, acting_user: User) -> tuple[AuthToken, str]:
    """A new token for the user who proved their password; the clear text is returned once."""
    # Expired tokens of this user go now rather than waiting for a request that uses them.
    AuthToken.objects.filter(user=acting_user, expiry__lte=timezone.now()).delete()
    token, text = AuthToken.objects.create(user=acting_user)
    logger.info("API token issued to %s, expires %s", acting_user.username, token.expiry)
    return token, text


@transaction.atomic
def api_token_revoke(*, digest: str, acting_user: User) -> int:
    """The owner revokes one of their own tokens (another user's is not found)."""
    revoked, _ = AuthToken.objects.filter(user=acting_user, digest=digest).delete()
    logger.info("API token revoked by its owner %s", acting_user.username)
    return revoked


@transaction.atomic
def api_tokens_revoke_all(*, user: User, acting_user: User | None, reason: str) -> int:
    """Revoke every token of `user` (the owner's "revoke all", a password change, deactivation)."""
    revoked, _ = AuthToken.objects.filter(user=user).delete()
    if revoked:
        logger.info(
            "%d API token(s) of %s revoked (%s) by %s",
            revoked,
            user.username,
            reason,
            acting_user.username if acting_user else "system",
        )
    return revoked
