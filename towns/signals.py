"""Cache invalidation, and the one security rule that must hold on every path a user is saved
by (password change page, admin, `changepassword`, services): new credentials or deactivation
revoke the user's API tokens. Business rules otherwise live in services. (The data generation
needs no signals: the database connection watches every write, kernel/cache.py.)"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kernel.tokens import api_tokens_revoke_all

from .models import PolicyValue, User
from .policy import clear_policy_cache


@receiver([post_save, post_delete], sender=PolicyValue)
def _policy_changed(**kwargs):
    clear_policy_cache()


@receiver(post_save, sender=User)
def _credentials_changed(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return
    # `_password` holds the new raw password from set_password() until the save; Django clears
    # it for its own hash upgrades on login, which are not a change of password.
    if getattr(instance, "_password", None) is not None:
        api_tokens_revoke_all(user=instance, acting_user=None, reason="password changed")
    elif not instance.is_active and (update_fields is None or "is_active" in update_fields):
        api_tokens_revoke_all(user=instance, acting_user=None, reason="deactivated")
