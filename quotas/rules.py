"""Who may read the dashboard and reports, and who keeps the landing quotas."""

import rules

from towns.rules import is_back_office, reads_everything

rules.add_perm("quotas.view_dashboard", reads_everything)
rules.add_perm("quotas.view_reports", reads_everything)
# Any reader may have a report made for a date range; re-making a scheduled one is staff's.
rules.add_perm("quotas.generate_report", reads_everything)
rules.add_perm("quotas.regenerate_report", is_back_office)
rules.add_perm("quotas.edit_landing_quotas", is_back_office)
