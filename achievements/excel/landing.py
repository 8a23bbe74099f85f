"""The landings sheet: the landings list export and the reports' landings section."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from kernel.excel import SheetSpec, wan

from ..models import Landing


def landing_sheet(landings: Iterable[Landing], *, title: str, totals: bool = False) -> SheetSpec:
    """One row per landing (select_related achievement__field, achievement__discovering_unit,
    division, credited_unit, verified_by); with `totals`, a count and the contribution sum."""
    rows = list(landings) if totals else landings
    return SheetSpec(
        title=title,
        headers=[
            _("成果名称"),
            _("成果类型"),
            _("所属领域"),
            _("发现单位"),
            _("落地状态"),
            _("认定条款"),
            _("落地日期"),
            _("落地镇街（园区）"),
            _("计入单位"),
            _("计入依据"),
            _("综合经济贡献（万元）"),
            _("标杆性成果"),
            _("核验人"),
        ],
        rows=(
            [
                landing.achievement.title,
                landing.achievement.get_kind_display(),
                landing.achievement.field.name,
                landing.achievement.discovering_unit.short_name,
                landing.get_state_display(),
                landing.get_rule_display() if landing.rule else "",
                landing.landed_on or "",
                landing.division.name if landing.division_id else "",
                landing.credited_unit.short_name if landing.credited_unit_id else "",
                landing.get_credit_basis_display() if landing.credit_basis else "",
                wan(landing.economic_contribution),
                landing.get_landmark_display() if landing.landmark else "",
                landing.verified_by.display_name if landing.verified_by_id else "",
            ]
            for landing in rows
        ),
        widths=[36, 10, 14, 14, 14, 40, 12, 18, 14, 22, 16, 16, 10],
        totals=[
            _("合计 %(n)d 项") % {"n": len(rows)},
            *[""] * 9,
            wan(sum(landing.economic_contribution or 0 for landing in rows)),
            sum(1 for landing in rows if landing.landmark),
            "",
        ]
        if totals
        else None,
    )
