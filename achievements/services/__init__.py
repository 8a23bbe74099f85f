"""Every write to the achievement's life, one function per business action (`<noun>_<verb>`).

One module per part of the life (core, discovery, service_library, landing, demands …); import
from the module itself, e.g. `from achievements.services.core import achievement_change_status`.
"""
