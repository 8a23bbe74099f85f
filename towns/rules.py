"""Role predicates (django-rules) that every app composes into its object permissions."""

import rules

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
is_portal_admin = _role_predicate(Role.ADMIN, "is_portal_admin")

# Back office: may change any record and see personal data.
is_back_office = is_center_staff | is_portal_admin
# May read every record (leaders read-only).
reads_everything = is_back_office | is_leader

rules.add_perm("towns.view_notifications", rules.is_authenticated)
rules.add_perm("towns.review_enterprise", is_back_office)
