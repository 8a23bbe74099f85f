from django.db.models import QuerySet

from .choices import Role
from .models import Division, Enterprise, Industry, Notification, Unit, User


def unread_notification_count(user: User) -> int:
    return Notification.objects.for_user(user).unread().count()


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.for_user(user)


def divisions() -> QuerySet[Division]:
    return Division.objects.all()


def units() -> QuerySet[Unit]:
    return Unit.objects.filter(is_active=True).select_related("division")


def industries() -> QuerySet[Industry]:
    return Industry.objects.all()


def center_staff() -> QuerySet[User]:
    """The service-center staff: they review registrations, demands, inquiries and events."""
    return User.objects.filter(role=Role.CENTER_STAFF, is_active=True)


def enterprise_users(enterprise: Enterprise) -> QuerySet[User]:
    return User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE, is_active=True)
