"""The landings sheet: the landings list export and the reports' landings section."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from kernel.excel import SheetSpec, wan
from kernel.tables import table_sheet

from ..models import Landing
from ..tables import LANDING_COLUMNS


def landing_sheet(landings: Iterable[Landing], *, title: str, totals: bool = False) -> SheetSpec:
    """One row per landing (select_related achievement__field, achievement__discovering_unit,
    division, credited_unit, verified_by); with `totals`, a count and the contribution sum."""
    if not totals:
        return table_sheet(title, LANDING_COLUMNS, landings)
    rows = list(landings)
    return table_sheet(
        title,
        LANDING_COLUMNS,
        rows,
        totals=[
            _("合计 %(n)d 项") % {"n": len(rows)},
            *[""] * 9,
            wan(sum(landing.economic_contribution or 0 for landing in rows)),
            sum(1 for landing in rows if landing.landmark),
            "",
        ],
    )
