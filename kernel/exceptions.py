from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """A step the record's state or the policy does not allow; the (Chinese) message says why.

    The one refusal of the portal: a status change its record's current status does not allow
    (raised by `kernel.transitions.transition`) and any other business rule a service enforces.
    """
