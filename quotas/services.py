"""Writes of the quotas app: one function per business action."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from towns.models import Unit, User

from .models import DiscoveryTarget


@transaction.atomic
def discovery_targets_set(
    *, year: int, targets: dict[int, tuple[int | None, bool]], acting_user: User
) -> int:
    """Set a year's discovery target per unit (unit id -> (target or None, innovation-strong)).

    A target left empty removes the year's row, so the unit's default applies again. Every
    change is kept in the targets' history. Returns how many rows changed.
    """
    if not acting_user.is_back_office:
        raise PermissionDenied(_("只有服务中心和系统管理员可以修改发现目标。"))
    if not 2000 <= year <= 2100:
        raise ValidationError(_("年度不正确。"))
    existing = {t.unit_id: t for t in DiscoveryTarget.objects.select_for_update().filter(year=year)}
    units = Unit.objects.in_bulk(list(targets))
    changed = 0
    for unit_id, (target, strong) in targets.items():
        if unit_id not in units:
            continue
        row = existing.get(unit_id)
        if target is None:
            if row is not None:
                row._history_user = acting_user
                row.delete()
                changed += 1
            continue
        if target < 0:
            raise ValidationError(_("发现目标不能为负数。"))
        if row is None:
            row = DiscoveryTarget(year=year, unit=units[unit_id])
        elif (row.target, row.innovation_strong_town) == (target, strong):
            continue
        row.target = target
        row.innovation_strong_town = strong
        row._history_user = acting_user
        row.save()
        changed += 1
    return changed
