"""Who may do what in the demand window (django-rules)."""

import rules

from towns.choices import EnterpriseStatus
from towns.rules import (
    is_back_office,
    is_center_staff,
    is_enterprise,
    is_liaison,
    reads_everything,
)

from ..choices import DEMAND_ACTIVE_STATUSES, MatchStatus


@rules.predicate
def is_approved_enterprise(user) -> bool:
    enterprise = getattr(user, "enterprise", None)
    return bool(enterprise and enterprise.status == EnterpriseStatus.APPROVED)


@rules.predicate
def owns_demand(user, demand) -> bool:
    return (
        demand is not None
        and bool(user.enterprise_id)
        and demand.enterprise_id == user.enterprise_id
    )


@rules.predicate
def demand_is_active(user, demand) -> bool:
    return demand is not None and demand.status in DEMAND_ACTIVE_STATUSES


@rules.predicate
def owns_match_demand(user, match) -> bool:
    return (
        match is not None
        and bool(user.enterprise_id)
        and match.demand.enterprise_id == user.enterprise_id
    )


@rules.predicate
def match_is_proposed(user, match) -> bool:
    return match is not None and match.status == MatchStatus.PROPOSED


@rules.predicate
def match_is_open_for_review(user, match) -> bool:
    return match is not None and match.status in (MatchStatus.SUGGESTED, MatchStatus.PROPOSED)


@rules.predicate
def match_demand_is_active(user, match) -> bool:
    return match is not None and match.demand.status in DEMAND_ACTIVE_STATUSES


approved_enterprise = is_enterprise & is_approved_enterprise

rules.add_perm("achievements.view_demand_window", reads_everything | is_enterprise)
rules.add_perm("achievements.add_demand", approved_enterprise)
rules.add_perm("achievements.view_demand", reads_everything | (is_enterprise & owns_demand))
rules.add_perm("achievements.change_demand", approved_enterprise & owns_demand & demand_is_active)
rules.add_perm(
    "achievements.close_demand",
    ((is_enterprise & owns_demand) | is_back_office) & demand_is_active,
)
rules.add_perm("achievements.review_matches", is_back_office)
# A staff member follows a demand: told when new achievements fit it.
rules.add_perm("achievements.follow_demand", is_center_staff & demand_is_active)
rules.add_perm(
    "achievements.review_match", is_back_office & match_is_open_for_review & match_demand_is_active
)
rules.add_perm(
    "achievements.respond_match",
    approved_enterprise & owns_match_demand & match_is_proposed & match_demand_is_active,
)
rules.add_perm("achievements.manage_synonyms", is_back_office)
rules.add_perm("achievements.view_inquiries", reads_everything | is_enterprise | is_liaison)
rules.add_perm("achievements.follow_up_inquiry", is_back_office)
rules.add_perm("achievements.express_interest", approved_enterprise)
