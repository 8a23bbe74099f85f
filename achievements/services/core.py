"""Every write to an achievement goes through a function here (`achievement_<verb>`)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from towns.cache import bump_generation
from towns.models import User
from towns.validators import to_halfwidth

from ..choices import AchievementStatus, ServiceRoute
from ..exceptions import TransitionNotAllowed
from ..models import Achievement, AchievementTransition


def normalize_title(title: str) -> str:
    """Title for duplicate detection: no spaces, punctuation or case differences."""
    text = to_halfwidth(title or "").lower()
    return "".join(ch for ch in text if ch.isalnum())


@transaction.atomic
def achievement_change_status(
    achievement: Achievement,
    *,
    to: str,
    allowed_from: Iterable[str],
    acting_user: User,
    reason: str = "",
    **changes,
) -> Achievement:
    """The one place a status changes: checks the transition under a row lock, logs it."""
    locked = Achievement.objects.select_for_update().get(pk=achievement.pk)
    allowed = set(allowed_from)
    if locked.status not in allowed:
        raise TransitionNotAllowed(
            _("当前状态为“%(current)s”，不能变更为“%(target)s”。")
            % {
                "current": locked.get_status_display(),
                "target": AchievementStatus(to).label,
            }
        )
    from_status = locked.status
    locked.status = to
    for name, value in changes.items():
        setattr(locked, name, value)
    # The history table keeps a short reason; the transition log keeps the whole text.
    default_reason = f"{AchievementStatus(from_status).label} → {AchievementStatus(to).label}"
    locked._change_reason = (reason or default_reason)[:100]
    locked._history_user = acting_user
    locked.save()
    AchievementTransition.objects.create(
        achievement=locked,
        from_status=from_status,
        to_status=to,
        actor=acting_user,
        reason=reason,
    )
    return locked


def achievement_enter_service_library(
    achievement: Achievement, *, route: str, acting_user: User, reason: str = ""
) -> Achievement:
    """Selected by evaluation or recommended directly: enters the service library."""
    ServiceRoute(route)
    return achievement_change_status(
        achievement,
        to=AchievementStatus.SERVICE,
        allowed_from=[AchievementStatus.SUBMITTED],
        acting_user=acting_user,
        reason=reason,
        service_route=route,
        service_entered_at=timezone.now(),
    )


# Bumped after every write to the library; the cached duplicate scans are keyed on it.
LIBRARY_VERSION_KEY = "achievements:library-version"


def library_changed() -> None:
    """Forget cached duplicate scans: called after every write to the library."""
    bump_generation(LIBRARY_VERSION_KEY)
