"""Queue background work after writes made elsewhere; no business rules here.

Achievements are written by several parts of the app (registration, import, review, merging).
The showcase and the match index must follow every one of those writes, so they are queued here
once, after the transaction commits. `task_sweep_achievement_index` catches bulk updates.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Achievement


@receiver(post_save, sender=Achievement, dispatch_uid="achievements.queue_achievement_changed")
def _queue_achievement_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .tasks.demands import task_achievement_changed

    pk = instance.pk
    transaction.on_commit(lambda: task_achievement_changed.delay(achievement_id=pk))
