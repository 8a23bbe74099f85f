import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse

from kernel.hooks import navigation_for

from .selectors import unread_notification_count


@functools.lru_cache(maxsize=512)
def _address(url_name: str, script_prefix: str) -> str:
    """A sidebar entry's address: the same for every request under one script prefix."""
    return reverse(url_name)


@receiver(setting_changed, dispatch_uid="towns.nav_addresses")
def _forget_addresses(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _address.cache_clear()


def portal(request):
    """The sidebar and the bell. Worked out once per request: the detail page renders each of
    its cards with the request's context too."""
    cached = getattr(request, "_portal_context", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    sections = [
        (label, [(item, _address(item.url_name, get_script_prefix())) for item in items])
        for label, items in navigation_for(user)
    ]
    request._portal_context = {
        "nav_sections": sections,
        "unread_notifications": unread_notification_count(user),
    }
    return request._portal_context
