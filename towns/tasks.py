import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)

READ_NOTIFICATION_RETENTION = timedelta(days=180)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def task_email_notifications(*, notification_ids: list[int]) -> int:
    """Mail notifications that have not been mailed yet; a re-run sends nothing twice."""
    if not settings.NOTIFICATION_EMAIL_ENABLED:
        return 0
    sent = 0
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient")
    for notification in pending:
        if not notification.recipient.email:
            continue
        # Claim the row first, so that two workers cannot both mail it.
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            send_mail(
                subject=f"【东莞科技成果转化平台】{notification.title}",
                message=notification.body or notification.title,
                from_email=None,
                recipient_list=[notification.recipient.email],
            )
        except OSError:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent


@shared_task
def task_purge_read_notifications() -> int:
    cutoff = timezone.now() - READ_NOTIFICATION_RETENTION
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    logger.info("purged %d read notifications", deleted)
    return deleted


@shared_task
def task_relay_outbox() -> int:
    """Beat, every minute: publish the queued work that the broker could not take at the time."""
    from .outbox import outbox_relay

    return outbox_relay()


@shared_task
def task_purge_sent_outbox() -> int:
    from .outbox import outbox_purge_sent

    return outbox_purge_sent()
