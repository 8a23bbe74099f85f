"""The columns of the quotas app's tables, used by each page and its .xlsx export alike."""

from django.utils.translation import gettext_lazy as _

from kernel.tables import Col

ITEMS = _("项")

DISCOVERY_TARGET_COLUMNS = [
    Col(
        _("单位"),
        lambda r: r.unit.name,
        width=36,
        cell="quotas/cells/target_unit.html",
        css_class="portal-name-col",
    ),
    Col(_("单位类型"), lambda r: r.unit.get_kind_display(), css_class="text-nowrap"),
    Col(_("年度目标"), lambda r: r.target, kind="number", unit=ITEMS, width=14),
    Col(_("已发现"), lambda r: r.discovered, kind="number", unit=ITEMS, width=14),
    Col(
        _("完成率"),
        lambda r: r.percent if r.target else None,
        kind="percent",
        width=10,
        cell="quotas/cells/target_progress.html",
        css_class="portal-progress-col",
    ),
    Col(
        _("尚差"),
        lambda r: r.remaining,
        kind="number",
        unit=ITEMS,
        width=12,
        cell="quotas/cells/target_remaining.html",
    ),
]
