"""Role predicates (django-rules) that every app composes into its object permissions."""

import rules
from django.core.exceptions import PermissionDenied

from .choices import Role


def _role_predicate(role: str, name: str):
    @rules.predicate(name=name)
    def has_role(user) -> bool:
        return bool(user and user.is_authenticated and user.role == role)

    return has_role


is_liaison = _role_predicate(Role.LIAISON, "is_liaison")
is_center_staff = _role_predicate(Role.CENTER_STAFF, "is_center_staff")
is_evaluator = _role_predicate(Role.EVALUATOR, "is_evaluator")
is_leader = _role_predicate(Role.LEADER, "is_leader")
is_enterprise = _role_predicate(Role.ENTERPRISE, "is_enterprise")
is_broker = _role_predicate(Role.BROKER, "is_broker")
is_investor = _role_predicate(Role.INVESTOR, "is_investor")
is_portal_admin = _role_predicate(Role.ADMIN, "is_portal_admin")

# Back office: may change any record and see personal data.
is_back_office = is_center_staff | is_portal_admin
# May read every record (leaders read-only).
reads_everything = is_back_office | is_leader

rules.add_perm("towns.view_notifications", rules.is_authenticated)
rules.add_perm("towns.view_audit_trail", is_portal_admin)
# A record's history, for the roles that read every record (the record's own scope applies too).
rules.add_perm("towns.view_record_history", reads_everything)
rules.add_perm("towns.review_enterprise", is_back_office)


def require(user, perm: str, obj=None) -> None:
    """`can`, or a 403."""
    if not can(user, perm, obj):
        raise PermissionDenied


def can(user, perm: str, obj=None) -> bool:
    """The rule itself, without Django's superuser shortcut: an admin acts as an admin, not as
    an enterprise or an evaluator. Views and templates of business actions use this."""
    return rules.has_perm(perm, user, obj)
