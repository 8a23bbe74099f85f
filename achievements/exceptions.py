from django.core.exceptions import ValidationError


class TransitionNotAllowed(ValidationError):
    """A workflow step that the record's current status does not allow."""
