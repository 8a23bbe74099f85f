from django.urls import reverse

from kernel.hooks import navigation_for

from .selectors import unread_notification_count


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
        (label, [(item, reverse(item.url_name)) for item in items])
        for label, items in navigation_for(user)
    ]
    request._portal_context = {
        "nav_sections": sections,
        "unread_notifications": unread_notification_count(user),
    }
    return request._portal_context
