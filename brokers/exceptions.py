"""The portal's one refusal is kernel.exceptions.Refused; this name stays for existing imports."""

from kernel.exceptions import Refused as ActionRefused

__all__ = ["ActionRefused"]
