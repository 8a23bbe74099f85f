from django.urls import reverse

from .hooks import navigation_for
from .selectors import unread_notification_count


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    sections = [
        (label, [(item, reverse(item.url_name)) for item in items])
        for label, items in navigation_for(user)
    ]
    return {
        "nav_sections": sections,
        "unread_notifications": unread_notification_count(user),
    }
