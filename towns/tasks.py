import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification, NotificationDigest, User, WebhookChannel, WebhookDelivery

logger = logging.getLogger(__name__)

READ_NOTIFICATION_RETENTION = timedelta(days=180)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def task_email_notifications(*, notification_ids: list[int]) -> int:
    """Mail notifications that have not been mailed yet; a re-run sends nothing twice."""
    if not settings.NOTIFICATION_EMAIL_ENABLED:
        return 0
    sent = 0
    # Those who chose the daily digest get one summary mail a day instead (task_send_daily_digests).
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True, recipient__daily_digest=False
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


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def task_post_webhooks(*, notification_ids: list[int]) -> int:
    """Post notifications to the group robots of their recipients' units; one message per
    channel and distinct notification text, naming its recipients. Each (channel, notification)
    is claimed before posting and marked sent only after the robot took it, so a retry or a
    second run posts only what is left; a failure gives the claim back (counted on the
    delivery) and the task is retried. A claim older than `CLAIM_TIMEOUT` and not sent is a
    worker that died between its claim and its post: it is taken again."""
    from .channels import CLAIM_TIMEOUT, Message, WebhookError, webhook_post

    notifications = list(
        Notification.objects.filter(pk__in=notification_ids)
        .select_related("recipient")
        .order_by("pk")
    )
    units = {n.recipient.unit_id for n in notifications if n.recipient.unit_id is not None}
    channels = list(
        WebhookChannel.objects.filter(unit_id__in=units, is_active=True).select_related("unit")
    )
    posted, failed = 0, None
    for channel in channels:
        mine = [n for n in notifications if n.recipient.unit_id == channel.unit_id]
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(channel=channel, notification=n) for n in mine],
            ignore_conflicts=True,
        )
        groups: dict[tuple, list[Notification]] = {}
        for notification in mine:
            key = (notification.title, notification.body, notification.url)
            groups.setdefault(key, []).append(notification)
        for (title, body, url), group in groups.items():
            now = timezone.now()
            # Not sent, and not claimed — or claimed by a worker that died before posting.
            free = Q(sent_at__isnull=True) & (
                Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
            )
            # Each delivery is claimed by its own conditional UPDATE, so a worker knows which
            # rows are its own: another worker running at the same moment may hold the rest of
            # the group, and only the claimed names are posted and marked.
            claimed = [
                n
                for n in group
                if WebhookDelivery.objects.filter(free, channel=channel, notification=n).update(
                    claimed_at=now
                )
            ]
            if not claimed:
                continue
            mine_now = WebhookDelivery.objects.filter(channel=channel, notification__in=claimed)
            try:
                webhook_post(
                    channel, Message(title, body, url, [n.recipient.display_name for n in claimed])
                )
            except Exception as error:
                # Whatever failed — the robot, or building its request (a malformed secret) —
                # the claim is given back at once, for the retry to take.
                mine_now.update(
                    claimed_at=None, attempts=F("attempts") + 1, last_error=str(error)[:2000]
                )
                if not isinstance(error, WebhookError):
                    raise
                logger.warning("webhook: %s", error)
                failed = error
                continue
            mine_now.update(sent_at=timezone.now())
            posted += 1
    if failed is not None:
        raise failed
    return posted


DIGEST_MAX_ITEMS = 50


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def task_send_daily_digests() -> int:
    """Beat, every morning: one mail per person who chose the daily digest, with the unread
    notifications that came since their previous digest. One digest per person and day
    (a unique row, claimed before mailing), so a second run the same day sends nothing."""
    if not settings.NOTIFICATION_EMAIL_ENABLED:
        return 0
    from django.urls import reverse

    today = timezone.localdate()
    now = timezone.now()
    sent = 0
    readers = User.objects.filter(daily_digest=True, is_active=True).exclude(email="")
    for user in readers:
        previous = (
            NotificationDigest.objects.filter(recipient=user, sent_at__isnull=False)
            .exclude(day=today)
            .order_by("-day")
            .values_list("sent_at", flat=True)
            .first()
        )
        since = previous or now - timedelta(days=1)
        unread = Notification.objects.for_user(user).unread().filter(created_at__gt=since)
        count = unread.count()
        if not count:
            continue
        digest, _created = NotificationDigest.objects.get_or_create(recipient=user, day=today)
        if not NotificationDigest.objects.filter(pk=digest.pk, sent_at__isnull=True).update(
            sent_at=now, count=count
        ):
            continue
        lines = [f"· {n.title}" for n in unread.order_by("-created_at")[:DIGEST_MAX_ITEMS]]
        if count > DIGEST_MAX_ITEMS:
            lines.append(_("…… 另有 %(n)d 条") % {"n": count - DIGEST_MAX_ITEMS})
        link = (
            settings.PORTAL_BASE_URL.rstrip("/") + reverse("towns:notification_list") + "?unread=1"
        )
        subject = _("%(day)s 您有 %(n)d 条未读通知") % {"day": f"{today:%Y-%m-%d}", "n": count}
        try:
            send_mail(
                subject=f"【{_('东莞科技成果转化平台')}】{subject}",
                message="\n".join([*lines, "", _("查看全部：%(link)s") % {"link": link}]),
                from_email=None,
                recipient_list=[user.email],
            )
        except OSError:
            NotificationDigest.objects.filter(pk=digest.pk).update(sent_at=None)
            raise
        sent += 1
    return sent


@shared_task
def task_run_job(*, job_id: int) -> str:
    """Run one background job (towns.jobs); a job already claimed is left alone."""
    from .jobs import job_run

    job = job_run(job_id)
    return job.status if job is not None else "skipped"


@shared_task
def task_fail_stalled_jobs() -> int:
    """Background jobs whose worker died stay 进行中 no longer than JOB_STALLED_AFTER_MINUTES."""
    from .jobs import jobs_fail_stalled

    return jobs_fail_stalled()
