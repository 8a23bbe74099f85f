from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .choices import Role
from .models import Notification, User
from .tasks import task_email_notifications


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    name: str = "",
    unit=None,
    enterprise=None,
    email: str = "",
    phone: str = "",
    title: str = "",
) -> User:
    """Create a portal user; admins also get the Django admin."""
    user = User(
        username=username,
        role=role,
        name=name,
        unit=unit,
        enterprise=enterprise,
        email=email,
        phone=phone,
        title=title,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def notification_send(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Put a message in each recipient's bell; mail it too when email is configured."""
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, title=title, body=body, url=url)
            for user in {u.pk: u for u in recipients if u is not None}.values()
        ]
    )
    ids = [n.pk for n in notifications if n.pk]
    if ids:
        transaction.on_commit(lambda: task_email_notifications.delay(notification_ids=ids))
    return notifications


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; returns how many changed."""
    unread = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
