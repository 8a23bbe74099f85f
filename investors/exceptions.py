from django.core.exceptions import ValidationError


class DockingTransitionNotAllowed(ValidationError):
    """A docking cannot move from its current status to the one asked for."""
