"""Object permissions of investor docking (django-rules)."""

import rules

from towns.choices import EnterpriseStatus
from towns.rules import is_back_office, is_investor, reads_everything


@rules.predicate
def is_approved_institution(user) -> bool:
    enterprise = getattr(user, "enterprise", None)
    return bool(enterprise and enterprise.status == EnterpriseStatus.APPROVED)


@rules.predicate
def is_own_institution(user, obj) -> bool:
    """The interest or docking belongs to the investor's own institution."""
    interest = getattr(obj, "interest", obj)
    return bool(obj is not None and user.enterprise_id == interest.institution_id)


approved_investor = is_investor & is_approved_institution

# The achievements awaiting landing with their evaluation summary.
rules.add_perm("investors.browse_opportunities", approved_investor | reads_everything)
rules.add_perm("investors.express_interest", approved_investor)
# Interests and dockings: an investor their institution's, staff and leaders all (read).
rules.add_perm("investors.view_interests", approved_investor | reads_everything)
rules.add_perm(
    "investors.view_docking", reads_everything | (approved_investor & is_own_institution)
)
# Staff arrange the docking, record the meeting, the investment or its end.
rules.add_perm("investors.manage_dockings", is_back_office)
