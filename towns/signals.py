"""Cache invalidation only; business rules live in services. (The data generation needs no
signals: the database connection watches every write, towns/cache.py.)"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import PolicyValue
from .policy import clear_policy_cache


@receiver([post_save, post_delete], sender=PolicyValue)
def _policy_changed(**kwargs):
    clear_policy_cache()
