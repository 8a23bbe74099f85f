"""The portal's one refusal is kernel.exceptions.Refused; this name stays for existing imports."""

from kernel.exceptions import Refused as TransitionNotAllowed

__all__ = ["TransitionNotAllowed"]
