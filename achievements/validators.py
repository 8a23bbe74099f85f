"""Rules a value must meet wherever it is typed: the pages' forms and the API's serializers both
call these (a Django ValidationError; the serializers pass its messages on)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def validate_discovered_on(value: date | None) -> None:
    """An achievement is discovered today at the latest."""
    if value and value > timezone.localdate():
        raise ValidationError(_("发现日期不能晚于今天。"))


def validate_budget_range(low: Decimal | None, high: Decimal | None) -> None:
    """A demand's budget: the upper bound, when both are given, is not below the lower."""
    if low is not None and high is not None and high < low:
        raise ValidationError({"budget_max": _("预算上限不能低于下限。")})
