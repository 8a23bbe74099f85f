from django.core.exceptions import ValidationError


class ActionRefused(ValidationError):
    """A business action the record's state or the policy does not allow; the message says why."""
