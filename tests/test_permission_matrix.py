"""The permission matrix: every page and API endpoint × every role × GET and the main POSTs.

MATRIX below is the one table. Each line is `url-name METHOD` and one outcome per role, in the
order of ROLES (tests/permission_world.py):

    anon  liaison  liaison_other  staff  evaluator_in  evaluator_out  leader
    enterprise  enterprise_other  broker  admin  investor

Outcomes — allowed: A (2xx), R (redirect elsewhere than the login page: done, or sent on),
V (400: past the permission check, the empty form is refused); denied: L (anonymous sent to the
login page), U (401: no valid API token, on the token-only endpoints), F (403: the role may
not), N (404: the record is outside the user's scope — the portal's convention where existence
itself is private); M (405: the method is not offered).

Every named URL of the project must have a GET line (a new view without one fails
`test_every_url_has_a_row`); only Django's admin internals are exempt (the admin has its own test).
Each cell runs in a savepoint, so one POST never changes what the next cell sees.
"""

import copy
import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .permission_world import ROLES, build_world

pytestmark = pytest.mark.django_db

# URL namespaces exempt from the matrix, with the reason.
EXEMPT_NAMESPACES = {
    "admin": "Django admin internals: access is tested in test_security (admins only)",
}

# Which record of the world a URL's `pk` is.
PK = {
    "towns:enterprise_review": "pending_enterprise",
    "towns:notification_read": "notification",
    "achievements:achievement_import_preview": "import",
    "achievements:achievement_import_confirm": "import",
    "achievements:achievement_import_cancel": "import",
    "achievements:achievement_import_problems": "import",
    "achievements:achievement_attachment_download": "attachment",
    "achievements:achievement_attachment_delete": "attachment",
    "achievements:achievement_restore": "deleted_achievement",
    "achievements:service_case_detail": "case",
    "achievements:service_case_assign": "case",
    "achievements:service_case_remind": "case",
    "achievements:service_follow_up_create": "case",
    "achievements:service_follow_up_edit": "case",
    "achievements:service_milestone_plan": "case",
    "achievements:service_milestone_done": "case",
    "achievements:service_escalation_detail": "escalation",
    "achievements:service_escalation_instruct": "escalation",
    "achievements:service_escalation_handle": "escalation",
    "achievements:demand_detail": "demand",
    "achievements:demand_update": "demand",
    "achievements:demand_close": "demand",
    "achievements:demand_rematch": "demand",
    "achievements:match_propose": "match",
    "achievements:demand_follow": "demand",
    "achievements:match_bulk": "demand",
    "achievements:match_reject": "match",
    "achievements:match_accept": "match",
    "achievements:match_decline": "match",
    "achievements:synonym_update": "synonym",
    "achievements:concept_links": "synonym",
    "achievements:inquiry_detail": "inquiry",
    "achievements:external_set_published": "external",
    "achievements:event_detail": "event",
    "achievements:event_update": "event",
    "achievements:event_register": "event",
    "achievements:event_registration_cancel": "event",
    "achievements:event_mark_held": "event",
    "achievements:event_cancel": "event",
    "achievements:event_outcome_add": "held_event",
    "achievements:event_outcome_delete": "outcome",
    "achievements:landing_evidence_create": "case",
    "achievements:landing_evidence_edit": "case",
    "achievements:landing_evidence_delete": "case",
    "achievements:landing_check": "case",
    "achievements:landing_verify": "case",
    "achievements:landing_credit_preview": "case",
    "achievements:landing_contribution": "landed",
    "achievements:landing_revoke": "landed",
    "brokers:broker_detail": "broker",
    "brokers:broker_update": "broker",
    "brokers:broker_verify": "broker",
    "brokers:broker_reject": "broker",
    "brokers:broker_certificate": "broker",
    "brokers:contract_import_confirm": "contract_import",
    "brokers:contract_detail": "contract",
    "brokers:contract_update": "contract",
    "brokers:contract_landing_evidence": "contract",
    "brokers:intermediary_detail": "register_intermediary",
    "brokers:poc_detail": "register_poc",
    "brokers:venture_update": "register_venture",
    "brokers:fund_update": "register_fund",
    "investors:opportunity_detail": "case",
    "investors:interest_express": "case",
    "investors:docking_arrange": "interest",
    "investors:docking_detail": "docking",
    "investors:docking_meeting": "docking",
    "investors:docking_invest": "docking",
    "investors:docking_close": "docking",
    "investors:docking_cancel": "docking",
    "brokers:intermediary_update": "register_intermediary",
    "brokers:poc_update": "register_poc",
    "brokers:event_update": "register_event",
    "brokers:outstanding_update": "register_outstanding",
    "brokers:major_project_update": "register_major_project",
    "brokers:gazelle_update": "register_gazelle",
    "brokers:cooperation_update": "register_cooperation",
    "brokers:complex_update": "register_complex",
    "brokers:demo_town_update": "register_demo_town",
    "brokers:commissioner_update": "register_commissioner",
    "brokers:commissioner_service_update": "register_commissioner_service",
    "brokers:carrier_update": "register_carrier",
    "brokers:incubated_update": "register_incubated",
    "brokers:town_selection_update": "register_town_selection",
    "brokers:industrialisation_award_update": "register_industrialisation_award",
    "brokers:loan_loss_update": "register_loan_loss",
    "brokers:service_revenue_update": "register_service_revenue",
    "brokers:town_selection_detail": "register_town_selection",
    "evaluation:batch_detail": "batch",
    "evaluation:batch_edit": "batch",
    "evaluation:batch_criteria": "batch",
    "evaluation:batch_add_items": "batch",
    "evaluation:batch_select": "batch",
    "evaluation:batch_reopen": "batch",
    "evaluation:batch_confirm": "batch",
    "evaluation:batch_item_detail": "batch",
    "evaluation:score_item": "batch",
    "evaluation:batch_item_remove": "batch",
    "evaluation:recommendation_letter": "recommendation",
    "evaluation:review_detail": "review",
    "evaluation:valuation_detail": "valuation",
    "evaluation:valuation_report": "valuation",
    "quotas:report_detail": "report",
    "quotas:report_download": "report",
    "quotas:report_brief": "report",
    "quotas:report_regenerate": "report",
    "towns:job_detail": "job",
    "towns:job_download": "job",
    # API
    "demand-detail": "demand",
    "demand-matches": "demand",
    "demand-people": "demand",
    "service-case-detail": "case",
    "service-follow-up-detail": "follow_up",
    "service-escalation-detail": "escalation",
    "service-escalation-instruct": "escalation",
    "service-escalation-handle": "escalation",
    "landing-detail": "landing",
    "broker-detail": "broker",
    "tech-contract-detail": "contract",
    "venture-round-detail": "register_venture",
    "fund-detail": "register_fund",
    "investor-opportunity-detail": "case",
    "investor-opportunity-interest": "case",
    "investor-interest-detail": "interest",
    "investor-interest-arrange": "interest",
    "investor-docking-detail": "docking",
    "investor-docking-meeting": "docking",
    "investor-docking-invest": "docking",
    "investor-docking-close": "docking",
    "investor-docking-cancel": "docking",
    "intermediary-detail": "register_intermediary",
    "poc-center-detail": "register_poc",
    "reward-list-detail": "reward_list",
    "reward-list-approve": "reward_list",
    "tech-commissioner-detail": "register_commissioner",
    "commissioner-service-detail": "register_commissioner_service",
    "incubation-carrier-detail": "register_carrier",
    "incubated-enterprise-detail": "register_incubated",
    "town-selection-detail": "register_town_selection",
    "industrialisation-award-detail": "register_industrialisation_award",
    "loan-loss-claim-detail": "register_loan_loss",
    "service-revenue-detail": "register_service_revenue",
    "town-selection-decide": "register_town_selection",
    "evaluation-batch-detail": "batch",
    "evaluation-batch-select": "batch",
    "evaluation-item-detail": "batch_item",
    "evaluation-score-detail": "score",
    "evaluation-recommendation-detail": "recommendation",
    "evaluation-review-detail": "review",
    "evaluation-valuation-detail": "valuation",
}
# The other URL arguments, by name.
OTHER_KWARGS = {
    "feedback_pk": "feedback",
    "follow_up_pk": "follow_up",
    "milestone_pk": "milestone",
    "evidence_pk": "evidence",
    "kind": "evidence_kind",
    "achievement_pk": "case",
    "year": "year",
    "item_pk": "batch_item",
    "code": "unit_code",
    "key": "showcase_key",
    "level": "assessment_level",
    "subject": "assessment_subject",
    "record_kind": "history_kind",
    "purpose": "pick_purpose",
}

MATRIX = """
#  url name                                  verb an li lo st ei eo le en eo br ad in
achievement-detail                           GET  F A N A F F A F F F A F
achievement-detail                           POST F M M M F F M F F F M F
achievement-list                             GET  F A A A F F A F F F A F
achievement-list                             POST F V V V F F F F F F V F
achievement-submit                           GET  F M M M F F M F F F M F
achievement-submit                           POST F F N F F F F F F F F F
achievement-withdraw                         GET  F M M M F F M F F F M F
achievement-withdraw                         POST F A N F F F F F F F F F
achievements:achievement_attachment_delete   GET  L M M M M M M M M M M M
achievements:achievement_attachment_delete   POST L F N R F N F N N N R N
achievements:achievement_attachment_download GET  L A N A A N A N N N A N
achievements:achievement_attachment_upload   GET  L M M M M M M M M M M M
achievements:achievement_attachment_upload   POST L F N V F N F N N N V N
achievements:achievement_correction_request  GET  L A N F F N F N N N F N
achievements:achievement_correction_request  POST L A N F F N F N N N F N
achievements:achievement_correction_resolve  GET  L M M M M M M M M M M M
achievements:achievement_correction_resolve  POST L F N R F N F N N N R N
achievements:achievement_create              GET  L A A A F F F F F F A F
achievements:achievement_create              POST L A A A F F F F F F A F
achievements:achievement_delete              GET  L M M M M M M M M M M M
achievements:achievement_delete              POST L F N R F N F N N N R N
achievements:achievement_detail              GET  L A N A A N A N N N A N
achievements:achievement_duplicate_hint      GET  L A A A F F A F F F A F
achievements:achievement_duplicates          GET  L F F A F F F F F F A F
achievements:achievement_edit                GET  L F N A F N F N N N A N
achievements:achievement_edit                POST L F N A F N F N N N A N
achievements:achievement_import              GET  L A A A F F F F F F A F
achievements:achievement_import              POST L A A A F F F F F F A F
achievements:achievement_import_cancel       GET  L M M M M M M M M M M M
achievements:achievement_import_cancel       POST L R N N N N N N N N N N
achievements:achievement_import_confirm      GET  L M M M M M M M M M M M
achievements:achievement_import_confirm      POST L R N N N N N N N N N N
achievements:achievement_import_preview      GET  L A N N N N N N N N N N
achievements:achievement_import_preview      POST L A N N N N N N N N N N
achievements:achievement_import_problems     GET  L A N N N N N N N N N N
achievements:achievement_import_template     GET  L A A A F F F F F F A F
achievements:achievement_list                GET  L A A A F F A F F F A F
achievements:achievement_list                POST L M M M F F M F F F M F
achievements:achievement_merge               GET  L F N A F N F N N N A N
achievements:achievement_merge               POST L F N A F N F N N N A N
achievements:achievement_reopen              GET  L M M M M M M M M M M M
achievements:achievement_reopen              POST L F N F F N F N N N F N
achievements:achievement_send_back           GET  L F N A F N F N N N A N
achievements:achievement_send_back           POST L F N A F N F N N N A N
achievements:achievement_submit              GET  L M M M M M M M M M M M
achievements:achievement_submit              POST L F N F F N F N N N F N
achievements:achievement_restore             GET  L M M M M M M M M M M M
achievements:achievement_restore             POST L F F R F F F F F F R F
achievements:achievement_trash               GET  L F F A F F F F F F A F
achievements:achievement_unmerge             GET  L M M M M M M M M M M M
achievements:achievement_unmerge             POST L F N F F N F N N N F N
achievements:achievement_withdraw            GET  L M M M M M M M M M M M
achievements:achievement_withdraw            POST L R N F F N F N N N F N
api-docs                                     GET  A A A A A A A A A A A A
api-root                                     GET  F A A A A A A A A A A A
api-schema                                   GET  A A A A A A A A A A A A
api-token                                    GET  M M M M M M M M M M M M
api-token                                    POST V V V V V V V V V V V V
api-token-revoke                             GET  U U U U U U U U U U U U
api-token-revoke                             POST U U U U U U U U U U U U
api-tokens-revoke-all                        GET  F M M M M M M M M M M M
api-tokens-revoke-all                        POST F A A A A A A A A A A A
towns:api_tokens                             GET  L A A A A A A A A A A A
towns:api_tokens                             POST L R R R R R R R R R R R
towns:audit_trail                            GET  L F F F F F F F F F A F
broker-detail                                GET  F N N A N N A N N A A N
broker-list                                  GET  F A A A A A A A A A A A
brokers:broker_certificate                   GET  L N N A N N F N N A A N
brokers:broker_create                        GET  L F F A F F F F F R A F
brokers:broker_create                        POST L F F A F F F F F R A F
brokers:broker_detail                        GET  L N N A N N A N N A A N
brokers:broker_list                          GET  L F F A F F A F F F A F
brokers:broker_me                            GET  L F F F F F F F F A R F
brokers:broker_reject                        GET  L M M M M M M M M M M M
brokers:broker_reject                        POST L N N R N N F N N F R N
brokers:broker_update                        GET  L N N A N N F N N A A N
brokers:broker_update                        POST L N N A N N F N N A A N
brokers:broker_verify                        GET  L M M M M M M M M M M M
brokers:broker_verify                        POST L N N R N N F N N F R N
brokers:complex_create                       GET  L F F A F F F F F F A F
brokers:complex_create                       POST L F F A F F F F F F A F
brokers:complex_list                         GET  L F F A F F A F F F A F
brokers:complex_update                       GET  L F F A F F F F F F A F
brokers:complex_update                       POST L F F A F F F F F F A F
brokers:contract_create                      GET  L F F A F F F F F F A F
brokers:contract_create                      POST L F F A F F F F F F A F
brokers:contract_detail                      GET  L N N A N N A N N A A N
brokers:contract_import                      GET  L F F A F F F F F F A F
brokers:contract_import                      POST L F F A F F F F F F A F
brokers:contract_import_confirm              GET  L M M M M M M M M M M M
brokers:contract_import_confirm              POST L F F R F F F F F F N F
brokers:contract_import_template             GET  L F F A F F F F F F A F
brokers:contract_import_template             POST L F F A F F F F F F A F
brokers:contract_landing_evidence            GET  L M M M M M M M M M M M
brokers:contract_landing_evidence            POST L F N R N N F N N N R N
brokers:contract_list                        GET  L F F A F F A F F A A F
brokers:contract_update                      GET  L N N A N N F N N F A N
brokers:contract_update                      POST L N N A N N F N N F A N
brokers:cooperation_create                   GET  L F F A F F F F F F A F
brokers:cooperation_create                   POST L F F A F F F F F F A F
brokers:cooperation_list                     GET  L F F A F F A F F F A F
brokers:cooperation_update                   GET  L F F A F F F F F F A F
brokers:cooperation_update                   POST L F F A F F F F F F A F
brokers:demo_town_create                     GET  L F F A F F F F F F A F
brokers:demo_town_create                     POST L F F A F F F F F F A F
brokers:demo_town_list                       GET  L F F A F F A F F F A F
brokers:demo_town_update                     GET  L F F A F F F F F F A F
brokers:demo_town_update                     POST L F F A F F F F F F A F
brokers:event_create                         GET  L F F A F F F F F F A F
brokers:event_create                         POST L F F A F F F F F F A F
brokers:event_list                           GET  L F F A F F A F F F A F
brokers:event_update                         GET  L F F A F F F F F F A F
brokers:event_update                         POST L F F A F F F F F F A F
brokers:fund_create                          GET  L F F A F F F F F F A F
brokers:fund_create                          POST L F F A F F F F F F A F
brokers:fund_list                            GET  L F F A F F A F F F A F
brokers:fund_update                          GET  L F F A F F F F F F A F
brokers:fund_update                          POST L F F A F F F F F F A F
brokers:gazelle_create                       GET  L F F A F F F F F F A F
brokers:gazelle_create                       POST L F F A F F F F F F A F
brokers:gazelle_list                         GET  L F F A F F A F F F A F
brokers:gazelle_update                       GET  L F F A F F F F F F A F
brokers:gazelle_update                       POST L F F A F F F F F F A F
brokers:intermediary_create                  GET  L F F A F F F F F F A F
brokers:intermediary_create                  POST L F F A F F F F F F A F
brokers:intermediary_detail                  GET  L N N A N N A N N N A N
brokers:intermediary_detail                  POST L N N A N N F N N N A N
brokers:intermediary_list                    GET  L F F A F F A F F F A F
brokers:intermediary_update                  GET  L F F A F F F F F F A F
brokers:intermediary_update                  POST L F F A F F F F F F A F
brokers:major_project_create                 GET  L F F A F F F F F F A F
brokers:major_project_create                 POST L F F A F F F F F F A F
brokers:major_project_list                   GET  L F F A F F A F F F A F
brokers:major_project_update                 GET  L F F A F F F F F F A F
brokers:major_project_update                 POST L F F A F F F F F F A F
brokers:outstanding_create                   GET  L F F A F F F F F F A F
brokers:outstanding_create                   POST L F F A F F F F F F A F
brokers:outstanding_list                     GET  L F F A F F A F F F A F
brokers:outstanding_update                   GET  L F F A F F F F F F A F
brokers:outstanding_update                   POST L F F A F F F F F F A F
brokers:poc_create                           GET  L F F A F F F F F F A F
brokers:poc_create                           POST L F F A F F F F F F A F
brokers:poc_detail                           GET  L N N A N N A N N N A N
brokers:poc_detail                           POST L N N N N N F N N N N N
brokers:poc_list                             GET  L F F A F F A F F F A F
brokers:poc_update                           GET  L F F A F F F F F F A F
brokers:poc_update                           POST L F F A F F F F F F A F
brokers:programme_overview                   GET  L F F A F F A F F F A F
brokers:reward_approve                       GET  L M M M M M M M M M M M
brokers:reward_approve                       POST L F F R F F F F F F R F
brokers:reward_compute                       GET  L M M M M M M M M M M M
brokers:reward_compute                       POST L F F R F F F F F F R F
brokers:reward_index                         GET  L F F R F F R F F F R F
brokers:reward_list                          GET  L F F A F F A F F F A F
brokers:venture_create                       GET  L F F A F F F F F F A F
brokers:venture_create                       POST L F F A F F F F F F A F
brokers:venture_list                         GET  L F F A F F A F F F A F
brokers:venture_update                       GET  L F F A F F F F F F A F
brokers:venture_update                       POST L F F A F F F F F F A F
quotas:dashboard                             GET  L F F A F F A F F F A F
quotas:dashboard_unit                        GET  L F F A F F A F F F A F
demand-detail                                GET  F N N A N N A A N N A N
demand-list                                  GET  F A A A A A A A A A A A
demand-list                                  POST F F F F F F F V V F V F
demand-matches                               GET  F N N A N N A A N N A N
achievements:demand_close                    GET  L M M M M M M M M M M M
achievements:demand_close                    POST L N N R N N F R N N R N
achievements:demand_create                   GET  L F F F F F F A A F F F
achievements:demand_create                   POST L F F F F F F A A F F F
achievements:demand_detail                   GET  L F F A F F A A N F A F
achievements:demand_list                     GET  L F F A F F A A A F A F
achievements:demand_list                     POST L F F M F F M M M F M F
achievements:demand_rematch                  GET  L M M M M M M M M M M M
achievements:demand_rematch                  POST L N N R N N F F N N R N
achievements:demand_update                   GET  L N N F N N F A N N F N
achievements:demand_update                   POST L N N F N N F A N N F N
quotas:discovery_targets                     GET  L F F A F F A F F F A F
quotas:discovery_targets_edit                GET  L F F A F F F F F F A F
quotas:discovery_targets_edit                POST L F F A F F F F F F A F
towns:enterprise_register                    GET  A R R R R R R R R R R R
towns:enterprise_register                    POST A R R R R R R R R R R R
towns:enterprise_review                      GET  L M M M M M M M M M M M
towns:enterprise_review                      POST L F F R F F F F F F R F
towns:enterprise_review_list                 GET  L F F A F F F F F F A F
towns:enterprise_review_list                 POST L F F M F F F F F F M F
evaluation-batch-detail                      GET  F N N A A N A N N N A N
evaluation-batch-list                        GET  F A A A A A A A A A A A
evaluation-batch-select                      GET  F M M M M M M M M M M M
evaluation-batch-select                      POST F N N A F N F N N N A N
evaluation-item-detail                       GET  F N N A A N A N N N A N
evaluation-item-list                         GET  F A A A A A A A A A A A
evaluation-recommendation-detail             GET  F A N A N N A N N N A N
evaluation-recommendation-list               GET  F A A A A A A A A A A A
evaluation-review-detail                     GET  F A N A N N A N N N A N
evaluation-review-list                       GET  F A A A A A A A A A A A
evaluation-score-detail                      GET  F N N A A N A N N N A N
evaluation-score-list                        GET  F A A A A A A A A A A A
evaluation-valuation-detail                  GET  F A N A A N A N N N A N
evaluation-valuation-list                    GET  F A A A A A A A A A A A
evaluation:achievement_evaluation            GET  L A N A A N A N N N A N
evaluation:batch_add_items                   GET  L N N A F N F N N N A N
evaluation:batch_add_items                   POST L N N A F N F N N N A N
evaluation:batch_confirm                     GET  L N N R F N F N N N R N
evaluation:batch_create                      GET  L F F A F F F F F F A F
evaluation:batch_create                      POST L F F A F F F F F F A F
evaluation:batch_criteria                    GET  L N N A F N F N N N A N
evaluation:batch_criteria                    POST L N N A F N F N N N A N
evaluation:batch_detail                      GET  L N N A A N A N N N A N
evaluation:batch_edit                        GET  L N N A F N F N N N A N
evaluation:batch_edit                        POST L N N A F N F N N N A N
evaluation:batch_item_detail                 GET  L N N A A N A N N N A N
evaluation:batch_item_remove                 GET  L M M M M M M M M M M M
evaluation:batch_item_remove                 POST L N N R F N F N N N R N
evaluation:batch_list                        GET  L A A A A A A A A A A A
evaluation:batch_reopen                      GET  L M M M M M M M M M M M
evaluation:batch_reopen                      POST L N N R F N F N N N R N
evaluation:batch_select                      GET  L M M M M M M M M M M M
evaluation:batch_select                      POST L N N R F N F N N N R N
evaluation:recommendation_create             GET  L F F A F F F F F F A F
evaluation:recommendation_create             POST L F F A F F F F F F A F
evaluation:recommendation_letter             GET  L A N A N N A N N N A N
evaluation:recommendation_list               GET  L A A A A A A A A A A A
evaluation:review_create                     GET  L F F A F F F F F F A F
evaluation:review_create                     POST L F F A F F F F F F A F
evaluation:review_detail                     GET  L A N A N N A N N N A N
evaluation:review_detail                     POST L F N A N N F N N N A N
evaluation:review_list                       GET  L A A A A A A A A A A A
evaluation:score_item                        GET  L N N F A N F N N N A N
evaluation:score_item                        POST L N N F A N F N N N A N
evaluation:valuation_create                  GET  L F F A F F F F F F A F
evaluation:valuation_create                  POST L F F A F F F F F F A F
evaluation:valuation_detail                  GET  L A N A A N A N N N A N
evaluation:valuation_detail                  POST L F N A F N F N N N A N
evaluation:valuation_list                    GET  L A A A A A A A A A A A
evaluation:valuation_report                  GET  L N N N N N N N N N N N
achievements:event_cancel                    GET  L M M M M M M M M M M M
achievements:event_cancel                    POST L F F R F F F F F F R F
achievements:event_create                    GET  L F F A F F F F F F A F
achievements:event_create                    POST L F F A F F F F F F A F
achievements:event_detail                    GET  L A A A A A A A A A A A
achievements:event_list                      GET  L A A A A A A A A A A A
achievements:event_mark_held                 GET  L M M M M M M M M M M M
achievements:event_mark_held                 POST L F F R F F F F F F R F
achievements:event_outcome_add               GET  L M M M M M M M M M M M
achievements:event_outcome_add               POST L F F R F F F F F F R F
achievements:event_outcome_delete            GET  L M M M M M M M M M M M
achievements:event_outcome_delete            POST L F F R F F F F F F R F
achievements:event_register                  GET  L F F F F F F A A F F F
achievements:event_register                  POST L F F F F F F A A F F F
achievements:event_registration_cancel       GET  L M M M M M M M M M M M
achievements:event_registration_cancel       POST L N N N N N N R N N N N
achievements:event_update                    GET  L F F A F F F F F F A F
achievements:event_update                    POST L F F A F F F F F F A F
achievements:external_import                 GET  L F F A F F F F F F A F
achievements:external_import                 POST L F F A F F F F F F A F
achievements:external_list                   GET  L F F A F F F F F F A F
achievements:external_list                   POST L F F M F F F F F F M F
achievements:external_set_published          GET  L M M M M M M M M M M M
achievements:external_set_published          POST L F F R F F F F F F R F
achievements:external_template               GET  L F F A F F F F F F A F
figures-discovery-targets                    GET  F F F A F F A F F F A F
figures-funnel                               GET  F F F A F F A F F F A F
figures-kpis                                 GET  F F F A F F A F F F A F
figures-landing-quotas                       GET  F F F A F F A F F F A F
fund-detail                                  GET  F F F A F F A F F F A F
fund-list                                    GET  F F F A F F A F F F A F
quotas:home                                  GET  A A A A A A A A A A A A
achievements:inquiry_detail                  GET  L A N A N N A A N N A N
achievements:inquiry_detail                  POST L F N A N N F F N N A N
achievements:inquiry_list                    GET  L A A A F F A A A F A F
achievements:inquiry_list                    POST L M M M F F M M M F M F
intermediary-detail                          GET  F F F A F F A F F F A F
intermediary-list                            GET  F F F A F F A F F F A F
investor-docking-cancel                      GET  F M M M M M M M M M M M
investor-docking-cancel                      POST F F F V F F F F F F V F
investor-docking-close                       GET  F M M M M M M M M M M M
investor-docking-close                       POST F F F V F F F F F F V F
investor-docking-detail                      GET  F F F A F F A F F F A A
investor-docking-invest                      GET  F M M M M M M M M M M M
investor-docking-invest                      POST F F F V F F F F F F V F
investor-docking-list                        GET  F F F A F F A F F F A A
investor-docking-meeting                     GET  F M M M M M M M M M M M
investor-docking-meeting                     POST F F F V F F F F F F V F
investor-interest-arrange                    GET  F M M M M M M M M M M M
investor-interest-arrange                    POST F F F V F F F F F F V F
investor-interest-detail                     GET  F F F A F F A F F F A A
investor-interest-list                       GET  F F F A F F A F F F A A
investor-opportunity-detail                  GET  F F F A F F A F F F A A
investor-opportunity-interest                GET  F M M M M M M M M M M M
investor-opportunity-interest                POST F F F F F F F F F F F A
investor-opportunity-list                    GET  F F F A F F A F F F A A
investors:docking_arrange                    GET  L F F A F F F F F F A F
investors:docking_arrange                    POST L F F A F F F F F F A F
investors:docking_cancel                     GET  L M M M M M M M M M M M
investors:docking_cancel                     POST L N N A N N F N N N A F
investors:docking_close                      GET  L M M M M M M M M M M M
investors:docking_close                      POST L N N A N N F N N N A F
investors:docking_detail                     GET  L N N A N N A N N N A A
investors:docking_invest                     GET  L M M M M M M M M M M M
investors:docking_invest                     POST L N N A N N F N N N A F
investors:docking_meeting                    GET  L M M M M M M M M M M M
investors:docking_meeting                    POST L N N A N N F N N N A F
investors:interest_express                   GET  L M M M M M M M M M M M
investors:interest_express                   POST L F F F F F F F F F F R
investors:interest_list                      GET  L F F A F F A F F F A A
investors:opportunity_detail                 GET  L F F A F F A F F F A A
investors:opportunity_list                   GET  L F F A F F A F F F A A
landing-detail                               GET  F A N A N N A N N N A N
landing-list                                 GET  F A A A A A A A A A A A
achievements:landing_check                   GET  L M M M M M M M M M M M
achievements:landing_check                   POST L F N R N N F N N N R N
achievements:landing_contribution            GET  L F N A N N F N N N A N
achievements:landing_contribution            POST L F N A N N F N N N A N
achievements:landing_credit_preview          GET  L F N A N N F N N N A N
achievements:landing_evidence_create         GET  L F N A N N F N N N A N
achievements:landing_evidence_create         POST L F N A N N F N N N A N
achievements:landing_evidence_delete         GET  L M M M M M M M M M M M
achievements:landing_evidence_delete         POST L F N R N N F N N N R N
achievements:landing_evidence_document       GET  L A N A N N A N N N A N
achievements:landing_evidence_edit           GET  L F N A N N F N N N A N
achievements:landing_evidence_edit           POST L F N A N N F N N N A N
achievements:landing_list                    GET  L N N A N N A N N N A N
quotas:landing_quotas                        GET  L F F A F F A F F F A F
quotas:landing_quotas_edit                   GET  L F F A F F F F F F A F
quotas:landing_quotas_edit                   POST L F F A F F F F F F A F
achievements:landing_revoke                  GET  L F N A N N F N N N A N
achievements:landing_revoke                  POST L F N A N N F N N N A N
achievements:landing_verify                  GET  L F N A N N F N N N A N
achievements:landing_verify                  POST L F N A N N F N N N A N
towns:login                                  GET  A R R R R R R R R R R R
towns:login                                  POST A R R R R R R R R R R R
towns:logout                                 GET  M M M M M M M M M M M M
towns:logout                                 POST L L L L L L L L L L L L
achievements:match_accept                    GET  L M M M M M M M M M M M
achievements:match_accept                    POST L N N F N N F N N N F N
achievements:match_decline                   GET  L M M M M M M M M M M M
achievements:match_decline                   POST L N N F N N F N N N F N
achievements:match_propose                   GET  L M M M M M M M M M M M
achievements:match_propose                   POST L N N R N N F N N N R N
achievements:match_reject                    GET  L M M M M M M M M M M M
achievements:match_reject                    POST L N N R N N F N N N R N
towns:notification_list                      GET  L A A A A A A A A A A A
towns:notification_read                      GET  L M M M M M M M M M M M
towns:notification_read                      POST L R R R R R R R R R R R
towns:notification_read_all                  GET  L M M M M M M M M M M M
towns:notification_read_all                  POST L R R R R R R R R R R R
towns:password_change                        GET  L A A A A A A A A A A A
towns:password_change                        POST L A A A A A A A A A A A
towns:password_change_done                   GET  L A A A A A A A A A A A
poc-center-detail                            GET  F F F A F F A F F F A F
poc-center-list                              GET  F F F A F F A F F F A F
quotas:report_detail                         GET  L F F A F F A F F F A F
quotas:report_download                       GET  L F F A F F A F F F A F
quotas:report_brief                          GET  L F F A F F A F F F A F
quotas:report_list                           GET  L F F A F F A F F F A F
quotas:report_regenerate                     GET  L M M M M M M M M M M M
quotas:report_regenerate                     POST L F F R F F F F F F R F
reward-list-approve                          GET  F M M M M M M M M M M M
reward-list-approve                          POST F F F V F F F F F F A F
reward-list-detail                           GET  F F F A F F A F F F A F
reward-list-list                             GET  F F F A F F A F F F A F
service-case-detail                          GET  F A N A N N A N N N A N
service-case-list                            GET  F A A A A A A A A A A A
service-escalation-detail                    GET  F A N A N N A N N N A N
service-escalation-handle                    GET  F M M M M M M M M M M M
service-escalation-handle                    POST F F N V N N F N N N V N
service-escalation-instruct                  GET  F M M M M M M M M M M M
service-escalation-instruct                  POST F F N V N N F N N N V N
service-escalation-list                      GET  F A A A A A A A A A A A
service-follow-up-detail                     GET  F A N A N N A N N N A N
service-follow-up-list                       GET  F A A A A A A A A A A A
service-follow-up-list                       POST F V V V V V V V V V V V
achievements:service_case_assign             GET  L F N A N N F N N N A N
achievements:service_case_assign             POST L F N A N N F N N N A N
achievements:service_case_detail             GET  L A N A N N A N N N A N
achievements:service_case_list               GET  L A A A N N A N N N A N
achievements:service_escalation_detail       GET  L A N A N N A N N N A N
achievements:service_escalation_handle       GET  L M M M M M M M M M M M
achievements:service_escalation_handle       POST L F N A N N F N N N A N
achievements:service_escalation_instruct     GET  L M M M M M M M M M M M
achievements:service_escalation_instruct     POST L F N A N N F N N N A N
achievements:service_escalation_list         GET  L A A A N N A N N N A N
achievements:service_follow_up_create        GET  L F N A N N F N N N A N
achievements:service_follow_up_create        POST L F N A N N F N N N A N
achievements:service_follow_up_edit          GET  L F N A N N F N N N A N
achievements:service_follow_up_edit          POST L F N A N N F N N N A N
achievements:service_milestone_done          GET  L M M M M M M M M M M M
achievements:service_milestone_done          POST L F N R N N F N N N R N
achievements:service_milestone_plan          GET  L F N A N N F N N N A N
achievements:service_milestone_plan          POST L F N A N N F N N N A N
achievements:service_my_cases                GET  L A A A A A A A A A A A
set_language                                 GET  R R R R R R R R R R R R
achievements:showcase_detail                 GET  A A A A A A A A A A A A
achievements:showcase_interest               GET  L M M M M M M M M M M M
achievements:showcase_interest               POST L F F F F F F V V F F F
achievements:showcase_list                   GET  A A A A A A A A A A A A
achievements:synonym_create                  GET  L F F A F F F F F F A F
achievements:synonym_create                  POST L F F A F F F F F F A F
achievements:synonym_list                    GET  L F F A F F F F F F A F
achievements:synonym_list                    POST L F F M F F F F F F M F
achievements:synonym_update                  GET  L F F A F F F F F F A F
achievements:synonym_update                  POST L F F A F F F F F F A F
tech-contract-detail                         GET  F N N A N N A N N A A N
tech-contract-list                           GET  F A A A A A A A A A A A
venture-round-detail                         GET  F F F A F F A F F F A F
venture-round-list                           GET  F F F A F F A F F F A F
towns:record_history                         GET  L F F A F F A F F F A F
achievements:concept_links                   GET  L F F A F F F F F F A F
achievements:concept_links                   POST L F F R F F F F F F R F
evaluation:achievement_picker                GET  L F F A F F F F F F A F
achievements:match_bulk                      GET  L M M M M M M M M M M M
achievements:match_bulk                      POST L N N R N N F F N N R N
towns:notification_settings                  GET  L A A A A A A A A A A A
towns:job_list                               GET  L A A A A A A A A A A A
towns:job_detail                             GET  L N N A N N N N N N N N
towns:job_download                           GET  L N N A N N N N N N N N
achievements:achievement_export_job          GET  L M M M M M M M M M M M
achievements:achievement_export_job          POST L R R R F F R F F F R F
towns:notification_settings                  POST L R R R R R R R R R R R
achievements:service_case_bulk_assign        GET  L M M M M M M M M M M M
achievements:service_case_bulk_assign        POST L F F R F F F F F F R F
achievements:service_case_bulk_remind        GET  L M M M M M M M M M M M
achievements:service_case_bulk_remind        POST L F F R F F F F F F R F
achievements:service_case_remind             GET  L M M M M M M M M M M M
achievements:service_case_remind             POST L F N R N N F N N N R N
demand-people                                GET  F N N A N N F F N N A N
achievements:demand_follow                   GET  L M M M M M M M M M M M
achievements:demand_follow                   POST L N N R N N F F N N F N
brokers:commissioner_create                  GET  L F F A F F F F F F A F
brokers:commissioner_create                  POST L F F A F F F F F F A F
brokers:commissioner_list                    GET  L F F A F F A F F F A F
brokers:commissioner_update                  GET  L F F A F F F F F F A F
brokers:commissioner_update                  POST L F F A F F F F F F A F
brokers:commissioner_service_create          GET  L F F A F F F F F F A F
brokers:commissioner_service_create          POST L F F A F F F F F F A F
brokers:commissioner_service_list            GET  L F F A F F A F F F A F
brokers:commissioner_service_update          GET  L F F A F F F F F F A F
brokers:commissioner_service_update          POST L F F A F F F F F F A F
brokers:carrier_create                       GET  L F F A F F F F F F A F
brokers:carrier_create                       POST L F F A F F F F F F A F
brokers:carrier_list                         GET  L F F A F F A F F F A F
brokers:carrier_update                       GET  L F F A F F F F F F A F
brokers:carrier_update                       POST L F F A F F F F F F A F
brokers:incubated_create                     GET  L F F A F F F F F F A F
brokers:incubated_create                     POST L F F A F F F F F F A F
brokers:incubated_list                       GET  L F F A F F A F F F A F
brokers:incubated_update                     GET  L F F A F F F F F F A F
brokers:incubated_update                     POST L F F A F F F F F F A F
brokers:town_selection_create                GET  L F F A F F F F F F A F
brokers:town_selection_create                POST L F F A F F F F F F A F
brokers:town_selection_list                  GET  L F F A F F A F F F A F
brokers:town_selection_update                GET  L F F A F F F F F F A F
brokers:town_selection_update                POST L F F A F F F F F F A F
brokers:industrialisation_award_create       GET  L F F A F F F F F F A F
brokers:industrialisation_award_create       POST L F F A F F F F F F A F
brokers:industrialisation_award_list         GET  L F F A F F A F F F A F
brokers:industrialisation_award_update       GET  L F F A F F F F F F A F
brokers:industrialisation_award_update       POST L F F A F F F F F F A F
brokers:loan_loss_create                     GET  L F F A F F F F F F A F
brokers:loan_loss_create                     POST L F F A F F F F F F A F
brokers:loan_loss_list                       GET  L F F A F F A F F F A F
brokers:loan_loss_update                     GET  L F F A F F F F F F A F
brokers:loan_loss_update                     POST L F F A F F F F F F A F
brokers:service_revenue_create               GET  L F F A F F F F F F A F
brokers:service_revenue_create               POST L F F A F F F F F F A F
brokers:service_revenue_list                 GET  L F F A F F A F F F A F
brokers:service_revenue_update               GET  L F F A F F F F F F A F
brokers:service_revenue_update               POST L F F A F F F F F F A F
brokers:town_selection_detail                GET  L F F A F F A F F F A F
brokers:town_selection_detail                POST L F F A F F F F F F A F
quotas:division_map                          GET  L F F A F F A F F F A F
quotas:plan_targets                          GET  L F F A F F A F F F A F
quotas:assessment_scorecard                  GET  L F F A F F A F F F A F
quotas:assessment_bulletin                   GET  L F F A F F A F F F A F
quotas:assessment_drilldown                  GET  L F F A F F A F F F A F
tech-commissioner-list                       GET  F F F A F F A F F F A F
tech-commissioner-detail                     GET  F F F A F F A F F F A F
commissioner-service-list                    GET  F F F A F F A F F F A F
commissioner-service-detail                  GET  F F F A F F A F F F A F
incubation-carrier-list                      GET  F F F A F F A F F F A F
incubation-carrier-detail                    GET  F F F A F F A F F F A F
incubated-enterprise-list                    GET  F F F A F F A F F F A F
incubated-enterprise-detail                  GET  F F F A F F A F F F A F
town-selection-list                          GET  F F F A F F A F F F A F
town-selection-detail                        GET  F F F A F F A F F F A F
industrialisation-award-list                 GET  F F F A F F A F F F A F
industrialisation-award-detail               GET  F F F A F F A F F F A F
loan-loss-claim-list                         GET  F F F A F F A F F F A F
loan-loss-claim-detail                       GET  F F F A F F A F F F A F
service-revenue-list                         GET  F F F A F F A F F F A F
service-revenue-detail                       GET  F F F A F F A F F F A F
town-selection-decide                        GET  F M M M M M M M M M M M
town-selection-decide                        POST F F F V F F F F F F V F
figures-scorecard                            GET  F F F A F F A F F F A F
figures-division-map                         GET  F F F A F F A F F F A F
"""


def url_names() -> set[str]:
    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                if ns in EXEMPT_NAMESPACES:
                    continue
                yield from walk(pattern, full)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver()))


def parse_matrix() -> list[tuple[str, str, str]]:
    rows = []
    for line in MATRIX.strip().splitlines():
        if line.startswith("#"):
            continue
        name, method, *outcomes = line.split()
        assert len(outcomes) == len(ROLES), line
        rows.append((name, method.lower(), "".join(outcomes)))
    return rows


def url_for(name: str, ids: dict) -> str:
    if name == "achievements:showcase_detail":  # the canonical address carries the title's slug
        return ids["showcase_url"]
    resolver = get_resolver()
    pattern = next(p for p, _ in _patterns_named(resolver, name))
    kwargs = {}
    for arg in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern):
        arg = next(a for a in arg if a)
        if arg == "format":
            continue
        if arg == "slug":
            continue
        key = PK.get(name, "achievement") if arg == "pk" else OTHER_KWARGS[arg]
        kwargs[arg] = ids[key]
    return reverse(name, kwargs=kwargs)


def _patterns_named(resolver, name: str, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _patterns_named(pattern, name, prefix + str(pattern.pattern), full)
        elif pattern.name:
            full = f"{namespace}:{pattern.name}" if namespace else pattern.name
            if full == name and "format" not in str(pattern.pattern):
                yield prefix + str(pattern.pattern), pattern


def outcome(response) -> str:
    code = response.status_code
    if 200 <= code < 300:
        return "A"
    if code in (301, 302, 303):
        return "L" if "/accounts/login/" in response["Location"] else "R"
    return {400: "V", 401: "U", 403: "F", 404: "N", 405: "M", 409: "C"}.get(code, str(code))


def observe(client, world, role: str, name: str, method: str) -> str:
    url = url_for(name, world.ids)
    cookies = copy.deepcopy(client.cookies)  # a logout or password change must not stick
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return outcome(response)


def test_every_url_has_a_row():
    covered = {name for name, method, _ in parse_matrix() if method == "get"}
    missing = sorted(url_names() - covered)
    assert missing == [], f"URLs without a row in the permission matrix: {missing}"
    stale = sorted(covered - url_names())
    assert stale == [], f"rows for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    if role != "anonymous":
        client.force_login(world.users[role])
    index = ROLES.index(role)
    wrong = []
    for name, method, expected in parse_matrix():
        got = observe(client, world, role, name, method)
        if got != expected[index]:
            wrong.append(f"{name} {method.upper()}: expected {expected[index]}, got {got}")
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)
