"""Cache invalidation only; business rules live in services."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .cache import data_changed, follows_data_generation
from .models import PolicyValue
from .policy import clear_policy_cache


@receiver([post_save, post_delete], sender=PolicyValue)
def _policy_changed(**kwargs):
    clear_policy_cache()


def _data_changed(sender, raw=False, **kwargs):
    if not raw:
        data_changed()


# Connected model by model: a receiver for every sender would also turn the fast bulk deletes
# of unrelated tables (the matching index, sessions) into row-by-row deletes.
for _model in apps.get_models(include_auto_created=True):
    if follows_data_generation(_model):
        post_save.connect(_data_changed, sender=_model, dispatch_uid=f"data:{_model._meta.label}")
        post_delete.connect(_data_changed, sender=_model, dispatch_uid=f"data:{_model._meta.label}")
