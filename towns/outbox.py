"""Transactional outbox: background work is never lost to a broker outage.

`outbox_enqueue` writes an `OutboxMessage` row in the caller's transaction, so the request for
work commits or rolls back with the business write. Right after the commit the row is published
to Celery; if Redis is down the page still succeeds and the row stays pending, and
`task_relay_outbox` (beat, every minute) publishes the pending rows once the broker is back.
Publishing is at-least-once, so every task behind the outbox is idempotent.
"""

import logging
from datetime import timedelta

from celery import current_app
from celery.exceptions import NotRegistered
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError as BrokerOperationalError

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# What a broker outage raises when publishing (kombu wraps redis' errors; a refused socket is
# an OSError).
BROKER_ERRORS = (BrokerOperationalError, OSError)
RELAY_BATCH = 500


def outbox_enqueue(task, /, **kwargs) -> OutboxMessage:
    """Queue `task(**kwargs)` with the current transaction; published after it commits."""
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(task=name, kwargs=kwargs)
    pk = message.pk
    # robust: the write has committed; if publishing fails, beat's relay publishes it later.
    transaction.on_commit(lambda: outbox_relay(ids=[pk]), robust=True)
    return message


def _task(name: str):
    """The task object; task names are their dotted import paths."""
    try:
        return current_app.tasks[name]
    except NotRegistered:
        return import_string(name)


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def outbox_relay(*, ids: list[int] | None = None, limit: int = RELAY_BATCH) -> int:
    """Publish pending messages (the given ones, or the oldest `limit`); returns how many.

    Stops at the first broker error, leaving that message and the rest pending for the next run.
    """
    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    if _eager():
        # No broker: the task runs inline. Claim the row first, then run it outside the
        # relay's transaction, exactly as the task would run in a worker.
        published = 0
        for message in list(pending.order_by("pk")[:limit]):
            claimed = OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(
                sent_at=timezone.now()
            )
            if claimed:
                _task(message.task).apply_async(kwargs=message.kwargs)
                published += 1
        return published
    published = 0
    # Fail fast when the broker is down (one attempt, 1 s to connect): the request that
    # committed must not wait, and the relay will try again in a minute.
    connection = current_app.connection_for_write(
        transport_options={
            **(current_app.conf.broker_transport_options or {}),
            "max_retries": 0,
            "interval_start": 0,
            "socket_connect_timeout": 1,
        }
    )
    try:
        for pk in list(pending.order_by("pk").values_list("pk", flat=True)[:limit]):
            with transaction.atomic():
                # The row lock keeps the after-commit publish and beat's relay from both
                # sending one message; skip_locked leaves it to whichever got there first.
                message = (
                    OutboxMessage.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, sent_at__isnull=True)
                    .first()
                )
                if message is None:
                    continue
                try:
                    current_app.send_task(
                        message.task, kwargs=message.kwargs, connection=connection, retry=False
                    )
                except BROKER_ERRORS as error:
                    OutboxMessage.objects.filter(pk=pk).update(
                        attempts=F("attempts") + 1, last_error=str(error)[:2000]
                    )
                    logger.warning(
                        "outbox: broker unavailable, %s #%d stays pending", message.task, pk
                    )
                    return published
                message.sent_at = timezone.now()
                message.save(update_fields=["sent_at"])
                published += 1
    finally:
        connection.release()
    return published


def outbox_pending_count() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()


def outbox_purge_sent(*, older_than_days: int = 30) -> int:
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
