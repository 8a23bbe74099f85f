"""Writes of the quotas app: one function per business action."""

import io
import itertools
import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.audit import record_updates
from kernel.excel import write_workbook
from towns.choices import Role
from towns.models import Unit, User
from towns.services import notification_send

from .briefs import brief_docx, previous_period
from .choices import ReportKind
from .models import DiscoveryTarget, LandingQuota, LandmarkRequirement, Report
from .reports import (
    biweekly_periods,
    period_report,
    quarterly_periods,
    report_sections,
    report_sheets,
    report_title,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def discovery_targets_set(
    *, year: int, targets: dict[int, tuple[int | None, bool]], acting_user: User
) -> int:
    """Set a year's discovery target per unit (unit id -> (target or None, innovation-strong)).

    A target left empty removes the year's row, so the unit's default applies again. Every
    change is kept in the targets' history. Returns how many rows changed.
    """
    if not acting_user.is_back_office:
        raise PermissionDenied(_("只有服务中心和系统管理员可以修改发现目标。"))
    for target, _strong in targets.values():
        if target is not None and target < 0:
            raise ValidationError(_("发现目标不能为负数。"))
    return _yearly_rows_set(
        DiscoveryTarget,
        year=year,
        values={
            unit_id: None
            if target is None
            else {"target": target, "innovation_strong_town": strong}
            for unit_id, (target, strong) in targets.items()
        },
        acting_user=acting_user,
    )


def _yearly_rows_set(model, *, year: int, values: dict, acting_user: User, new=None) -> int:
    """Set one row per unit for a year (unit id -> field values, or None to remove the row),
    under a lock, saving only what changed (each change kept in the model's history).
    `new(row)` fills in what a new row needs besides the values. Returns how many changed."""
    if not 2000 <= year <= 2100:
        raise ValidationError(_("年度不正确。"))
    existing = {row.unit_id: row for row in model.objects.select_for_update().filter(year=year)}
    units = Unit.objects.in_bulk(list(values))
    changed = 0
    for unit_id, fields in values.items():
        if unit_id not in units:
            continue
        row = existing.get(unit_id)
        if fields is None:
            if row is not None:
                row._history_user = acting_user
                row.delete()
                changed += 1
            continue
        if row is None:
            row = model(year=year, unit=units[unit_id])
            if new is not None:
                new(row)
        elif all(getattr(row, name) == value for name, value in fields.items()):
            continue
        for name, value in fields.items():
            setattr(row, name, value)
        row._history_user = acting_user
        row.save()
        changed += 1
    return changed


# --- Landing quotas -------------------------------------------------------------------------------


@transaction.atomic
def landing_quotas_set(
    *, year: int, quotas: dict[int, tuple[int | None, str]], acting_user: User
) -> int:
    """Set a year's landing quota per unit (unit id -> (quota or None, direction)).

    An empty quota removes the unit's row for the year: a division without a quota offsets
    (抵扣) its next year's quota with its landings. Changes are kept in the quotas' history.
    The annex years loaded from the reference files are changed there, not here."""
    if not acting_user.is_back_office:
        raise PermissionDenied(_("只有服务中心和系统管理员可以修改落地任务。"))
    for quota, _direction in quotas.values():
        if quota is not None and quota < 0:
            raise ValidationError(_("落地任务不能为负数。"))
    last = LandingQuota.objects.filter(year=year).aggregate(last=Max("sort_order"))["last"] or 0
    order = itertools.count(last + 1)

    def new(row):  # a unit new to the year's table comes after the others
        row.sort_order = next(order)

    return _yearly_rows_set(
        LandingQuota,
        year=year,
        values={
            unit_id: None if quota is None else {"quota": quota, "direction": direction}
            for unit_id, (quota, direction) in quotas.items()
        },
        acting_user=acting_user,
        new=new,
    )


@transaction.atomic
def landing_quotas_copy(*, from_year: int, to_year: int, acting_user: User) -> int:
    """Start a year's quotas from another year's (quota, direction, landmarks, order); a year
    that already has quotas is left alone. Returns how many rows were created."""
    if not acting_user.is_back_office:
        raise PermissionDenied(_("只有服务中心和系统管理员可以修改落地任务。"))
    if LandingQuota.objects.filter(year=to_year).exists():
        raise ValidationError(_("%(year)d年已有落地任务，请直接修改。") % {"year": to_year})
    sources = LandingQuota.objects.filter(year=from_year).prefetch_related("landmark_requirements")
    created = 0
    for source in sources:
        row = LandingQuota(
            year=to_year,
            unit_id=source.unit_id,
            quota=source.quota,
            direction=source.direction,
            landmark_requirement=source.landmark_requirement,
            sort_order=source.sort_order,
        )
        row._history_user = acting_user
        row.save()
        for requirement in source.landmark_requirements.all():
            LandmarkRequirement.objects.create(
                quota=row,
                field_id=requirement.field_id,
                count=requirement.count,
                min_contribution=requirement.min_contribution,
            )
        created += 1
    return created


# --- Reports --------------------------------------------------------------------------------------


def _leaders() -> list[User]:
    return list(User.objects.filter(role=Role.LEADER, is_active=True).order_by("pk"))


def report_generate(
    *, kind: str, start: date, end: date, acting_user: User | None = None, progress=None
) -> Report:
    """Build the report of a period, store its .xlsx, its Word brief and the lists its page
    shows, and announce it to the leaders (once).

    One report per kind and period: generating it again replaces the stored one (its file
    too), never adds a second. `acting_user` is None for the scheduled reports; `progress(done,
    total)`, when given, hears of each of the steps (a background job's progress bar)."""
    step = progress or (lambda done, total: None)
    ReportKind(kind)
    if end < start:
        raise ValidationError({"end": _("截止日期不能早于起始日期。")})
    if end > timezone.localdate():
        raise ValidationError({"end": _("截止日期不能晚于今天。")})
    step(0, 4)
    data = period_report(start, end)
    step(1, 4)
    sheets = report_sheets(data)
    buffer = io.BytesIO()
    write_workbook(sheets, buffer)
    sections = report_sections(sheets)
    title = report_title(kind, start, end)
    step(2, 4)
    brief = brief_docx(
        kind=kind,
        title=title,
        report=data,
        previous=period_report(*previous_period(kind, start, end)),
        sections=sections,
    )
    name = f"{kind}-{start:%Y%m%d}-{end:%Y%m%d}"
    step(3, 4)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _report_store(
                    kind=kind,
                    start=start,
                    end=end,
                    title=title,
                    totals=data.totals(),
                    sections=sections,
                    content=ContentFile(buffer.getvalue(), name=f"{name}.xlsx"),
                    brief=ContentFile(brief, name=f"{name}.docx"),
                    acting_user=acting_user,
                )
        except IntegrityError:
            # Another worker stored the same period a moment ago: replace theirs.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _report_store(
    *, kind, start, end, title, totals, sections, content, brief, acting_user
) -> Report:
    report = (
        Report.objects.select_for_update()
        .filter(kind=kind, period_start=start, period_end=end)
        .first()
    )
    old_names = [f.name for f in (report.file, report.brief) if f] if report else []
    if report is None:
        report = Report(kind=kind, period_start=start, period_end=end, generation_count=0)
    report.title, report.totals, report.sections = title, totals, sections
    report.generated_at, report.generated_by = timezone.now(), acting_user
    report.generation_count += 1
    report.file.save(content.name, content, save=False)
    report.brief.save(brief.name, brief, save=False)
    report.save()
    stale = [name for name in old_names if name not in (report.file.name, report.brief.name)]
    if stale:
        storage = report.file.storage
        transaction.on_commit(lambda: [storage.delete(name) for name in stale])
    announced = Report.objects.filter(pk=report.pk, announced_at__isnull=True).update(
        announced_at=timezone.now()
    )
    if announced:
        record_updates(Report, [report.pk], reason=_("报告已发布"))
        leaders = _leaders()
        url = reverse("quotas:report_detail", args=[report.pk])
        notification_send(
            recipients=leaders,
            kind=f"report_{kind}",
            title=title,
            body=_("新发现 %(d)d 项，认定落地 %(l)d 项，久推不动 %(s)d 项。")
            % {"d": totals["discoveries"], "l": totals["landings"], "s": totals["stalled"]},
            url=url,
        )
    return report


def periods_due(kind: str, *, today: date) -> list[tuple[date, date]]:
    anchor = settings.BIWEEKLY_REPORT_ANCHOR
    if kind == ReportKind.BIWEEKLY:
        return biweekly_periods(today, anchor=anchor)
    if kind == ReportKind.QUARTERLY:
        return quarterly_periods(today, anchor=anchor)
    raise ValueError(kind)


def reports_catch_up(*, kind: str, today: date | None = None) -> list[Report]:
    """Make the scheduled reports of `kind` whose period has ended and that are missing: the one
    due today, and any the worker missed while it was down — looking back over the latest
    REPORT_CATCH_UP_LIMIT periods. Existing reports are left as they are."""
    today = today or timezone.localdate()
    limit = settings.REPORT_CATCH_UP_LIMIT
    recent = periods_due(kind, today=today)[-limit:] if limit else []
    existing = set(
        Report.objects.filter(
            kind=kind, period_start__in=[start for start, _end in recent]
        ).values_list("period_start", "period_end")
    )
    missing = [period for period in recent if period not in existing]
    reports = [report_generate(kind=kind, start=start, end=end) for start, end in missing]
    logger.info("made %d %s reports", len(reports), kind)
    return reports
