from django.db.models import QuerySet

from .models import Division, Industry, Notification, Unit, User


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
