"""Queue background work after writes made elsewhere; no business rules here.

Achievements are written by several parts of the app (registration, import, review, merging).
The showcase and the match index must follow every one of those writes, so they are queued here
once per transaction, through the transactional outbox (published after the commit); bulk
writers call `achievements_changed` themselves. `task_sweep_achievement_index` catches what
neither saw (a raw update, a lost message).
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Achievement
from .models.achievement import TEXT_FIELDS
from .services.changes import achievements_changed
from .services.core import holder_text_edited, library_rows_changed


@receiver(post_save, sender=Achievement, dispatch_uid="achievements.queue_achievement_changed")
def _queue_achievement_changed(
    sender, instance, created=False, raw=False, update_fields=None, **kwargs
):
    if raw:
        return
    # One task per transaction, however many records it saves (see services/changes.py).
    achievements_changed([instance.pk])
    # After the commit, so that no request caches a duplicate scan of the old library under
    # the new version: the scopes the record was in (as loaded) and is in now.
    now = instance.duplicate_scope()
    scopes = {now} if created else {instance.duplicate_scope_loaded, now}
    if (
        not created
        and update_fields is not None
        and update_fields <= TEXT_FIELDS
        and instance.duplicate_scope_loaded == now
    ):
        # An edit of the text: the holder's scans only, which rescore just this record.
        instance.duplicate_scope_loaded = now
        holder, pk = now[1], instance.pk
        transaction.on_commit(lambda: holder_text_edited(holder, pk) if holder else None)
        return
    instance.duplicate_scope_loaded = now
    transaction.on_commit(lambda: library_rows_changed(scopes))
