"""Who may manage the showcase (django-rules). Viewing it needs nobody's permission."""

import rules

from towns.rules import is_back_office

rules.add_perm("achievements.manage_external_achievements", is_back_office)
