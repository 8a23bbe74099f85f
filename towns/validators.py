"""Existing migrations name `towns.validators.<function>`: the validators live in kernel/validators.py."""

from kernel.validators import validate_amount, validate_phone, validate_uscc

__all__ = ["validate_amount", "validate_phone", "validate_uscc"]
