"""Every write of the discovery library, one function per business action.

Each checks who may act (the rules of `rules/discovery.py`) and, for status changes, goes through
`achievement_change_status` (row lock, allowed-from check, transition log, history).
"""

from collections.abc import Iterable, Sequence
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.audit import record_inserts, record_updates
from kernel.excel import ImportResult
from kernel.limits import MAX_DOCUMENT_BYTES
from kernel.uploads import validate_document
from towns.choices import Role
from towns.models import Unit, User
from towns.services import notification_send

from ..choices import (
    AchievementStatus,
    CorrectionOutcome,
    FeedbackKind,
    FeedbackStatus,
    ImportStatus,
)
from ..excel.discovery import AchievementImporter
from ..models import (
    Achievement,
    AchievementAttachment,
    AchievementCredit,
    AchievementFeedback,
    AchievementImport,
    AchievementMerge,
    AchievementTransition,
)
from ..selectors.discovery import RECORD_FIELDS, liaisons_of
from .changes import achievements_changed
from .core import (
    achievement_change_status,
    check_title_free,
    library_changed,
    lock_unit_titles,
    normalize_title,
    title_constraint_as_message,
    title_holder,
)

MAX_ATTACHMENTS = 20
ATTACHMENT_MAX_BYTES = MAX_DOCUMENT_BYTES
IMPORT_BATCH_SIZE = 1000
PREVIEW_ROWS = 20
# Fields staff may set besides the record fields.
STAFF_FIELDS = ["discovering_unit"]


def _require(perm: str, user: User, obj=None) -> None:
    if not rules.has_perm(perm, user, obj):
        raise PermissionDenied(_("您没有权限执行此操作。"))


def _detail_url(achievement: Achievement) -> str:
    return reverse("achievements:achievement_detail", args=[achievement.pk])


def _center_staff() -> list[User]:
    return list(User.objects.filter(role=Role.CENTER_STAFF, is_active=True))


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in RECORD_FIELDS if name in data}
    for name in ("ip_types", "cooperation_modes"):
        if name in values:
            values[name] = list(values[name] or [])
    for name, value in list(values.items()):
        if value is None and name not in (
            "trl",
            "field",
            "landing_division",
            "expected_contribution",
            "funding_need",
            "discovered_on",
        ):
            values[name] = Achievement._meta.get_field(name).get_default()
    return values


# --- Create and edit ----------------------------------------------------------------------------


@transaction.atomic
def achievement_create(
    *, acting_user: User, unit: Unit | None = None, data: dict[str, Any]
) -> Achievement:
    """A new draft. A liaison registers for their own unit; staff name the unit."""
    _require("achievements.add_achievement", acting_user)
    if acting_user.role == Role.LIAISON:
        unit = acting_user.unit
    if unit is None:
        raise ValidationError({"discovering_unit": _("请选择发现单位。")})
    achievement = Achievement(
        **_clean(data),
        discovering_unit=unit,
        liaison=acting_user if acting_user.role == Role.LIAISON else None,
        created_by=acting_user,
        status=AchievementStatus.DRAFT,
    )
    achievement.title_normalized = normalize_title(achievement.title)
    check_title_free(achievement)
    achievement.full_clean(exclude=["created_by"])
    achievement._history_user = acting_user
    achievement._change_reason = _("登记成果（草稿）")
    with title_constraint_as_message():
        achievement.save()
    AchievementTransition.objects.create(
        achievement=achievement,
        from_status="",
        to_status=AchievementStatus.DRAFT,
        actor=acting_user,
        reason=_("登记成果"),
    )
    return achievement


@transaction.atomic
def achievement_update(
    achievement: Achievement, *, acting_user: User, data: dict[str, Any]
) -> list[str]:
    """Save what changed (locked against a concurrent edit); returns the changed field names.

    After a send-back, the liaison's first real change marks the feedback as addressed, which
    resubmission requires.
    """
    locked = Achievement.objects.select_for_update().get(pk=achievement.pk)
    _require("achievements.change_achievement", acting_user, locked)
    was = (locked.discovering_unit_id, locked.title_normalized)
    values = _clean(data)
    if acting_user.is_back_office and data.get("discovering_unit") is not None:
        values["discovering_unit"] = data["discovering_unit"]
    changed = []
    for name, value in values.items():
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if not changed:
        return []
    locked.title_normalized = normalize_title(locked.title)
    written = [*changed, "title_normalized", "updated_at"]
    if (locked.discovering_unit_id, locked.title_normalized) != was:
        # A record renamed or moved is no longer the old same-titled registration.
        locked.legacy_duplicate = False
        written.append("legacy_duplicate")
        check_title_free(locked)
    locked.full_clean(exclude=["created_by"])
    locked._history_user = acting_user
    locked._change_reason = _("修改成果信息")
    with title_constraint_as_message():
        # Only what changed: an edit of the text leaves the counted figures (kernel.cache).
        locked.save(update_fields=written)
    if locked.status == AchievementStatus.RETURNED:
        AchievementFeedback.objects.filter(
            achievement=locked, kind=FeedbackKind.SEND_BACK, status=FeedbackStatus.OPEN
        ).update(status=FeedbackStatus.ADDRESSED, addressed_at=timezone.now())
    return changed


# --- The liaison's workflow ---------------------------------------------------------------------


def _resolve_open_feedback(
    achievement: Achievement,
    *,
    acting_user: User,
    kinds: Iterable[str],
    note: str,
    outcome: str = "",
) -> list[list]:
    """Close the open feedback of these kinds; returns [[id, status before]] of each closed."""
    now = timezone.now()
    closed = []
    for item in (
        AchievementFeedback.objects.select_for_update()
        .filter(achievement=achievement, kind__in=list(kinds))
        .exclude(status=FeedbackStatus.RESOLVED)
    ):
        closed.append([item.pk, item.status])
        item.status = FeedbackStatus.RESOLVED
        item.resolved_by = acting_user
        item.resolved_at = now
        item.resolution_note = note
        if item.kind == FeedbackKind.CORRECTION_REQUEST:
            item.outcome = outcome
        item._history_user = acting_user
        item.save()
    return closed


@transaction.atomic
def achievement_submit(achievement: Achievement, *, acting_user: User) -> Achievement:
    """Into the discovery library. After a send-back, only once the record was changed."""
    _require("achievements.submit_achievement", acting_user, achievement)
    if achievement.status == AchievementStatus.RETURNED:
        waiting = AchievementFeedback.objects.filter(
            achievement=achievement, kind=FeedbackKind.SEND_BACK, status=FeedbackStatus.OPEN
        ).exists()
        if waiting:
            raise ValidationError(_("请先按退回意见修改成果信息，再重新提交。"))
    achievement = achievement_change_status(
        achievement,
        to=AchievementStatus.SUBMITTED,
        allowed_from=[AchievementStatus.DRAFT, AchievementStatus.RETURNED],
        acting_user=acting_user,
        reason=_("提交至成果发现库"),
        submitted_at=timezone.now(),
        discovered_on=achievement.discovered_on or timezone.localdate(),
    )
    _resolve_open_feedback(
        achievement,
        acting_user=acting_user,
        kinds=[FeedbackKind.SEND_BACK],
        note=_("已修改并重新提交"),
    )
    return achievement


@transaction.atomic
def achievement_withdraw(
    achievement: Achievement, *, acting_user: User, reason: str = ""
) -> Achievement:
    """The liaison takes a record back out of the discovery library."""
    _require("achievements.withdraw_achievement", acting_user, achievement)
    achievement = achievement_change_status(
        achievement,
        to=AchievementStatus.WITHDRAWN,
        allowed_from=[AchievementStatus.SUBMITTED, AchievementStatus.RETURNED],
        acting_user=acting_user,
        reason=reason or _("联络员撤回"),
    )
    _resolve_open_feedback(
        achievement,
        acting_user=acting_user,
        kinds=list(FeedbackKind),
        note=_("联络员已撤回该成果"),
    )
    return achievement


@transaction.atomic
def achievement_reopen(achievement: Achievement, *, acting_user: User) -> Achievement:
    """A withdrawn record becomes a draft again, to edit and submit later."""
    _require("achievements.reopen_achievement", acting_user, achievement)
    return achievement_change_status(
        achievement,
        to=AchievementStatus.DRAFT,
        allowed_from=[AchievementStatus.WITHDRAWN],
        acting_user=acting_user,
        reason=_("恢复为草稿"),
    )


def _feedback_add(achievement, *, kind, acting_user, message, fields, reasons=()):
    feedback = AchievementFeedback(
        achievement=achievement,
        kind=kind,
        reasons=list(dict.fromkeys(reasons)),
        fields=[f for f in fields if f in RECORD_FIELDS],
        message=message.strip(),
        author=acting_user,
    )
    feedback._history_user = acting_user
    feedback.save()
    return feedback


@transaction.atomic
def achievement_correction_request(
    achievement: Achievement, *, acting_user: User, message: str, fields: Sequence[str] = ()
) -> AchievementFeedback:
    """After submission the liaison cannot edit; they ask the service center to correct."""
    _require("achievements.request_correction", acting_user, achievement)
    if not message.strip():
        raise ValidationError({"message": _("请说明需要更正的内容和原因。")})
    feedback = _feedback_add(
        achievement,
        kind=FeedbackKind.CORRECTION_REQUEST,
        acting_user=acting_user,
        message=message,
        fields=fields,
    )
    notification_send(
        recipients=_center_staff(),
        kind="achievement_correction_request",
        title=_("更正申请：%(title)s") % {"title": achievement.title},
        body=_("%(unit)s联络员申请更正：%(message)s")
        % {"unit": achievement.discovering_unit, "message": feedback.message},
        url=_detail_url(achievement),
    )
    return feedback


# --- The service center's side ------------------------------------------------------------------


@transaction.atomic
def achievement_send_back(
    achievement: Achievement,
    *,
    acting_user: User,
    reasons: Sequence[str],
    message: str,
    fields: Sequence[str] = (),
) -> AchievementFeedback:
    """Staff return a record to its liaison with structured reasons and the fields to fix."""
    _require("achievements.send_back_achievement", acting_user, achievement)
    if not reasons:
        raise ValidationError({"reasons": _("请至少选择一项退回原因。")})
    if not message.strip():
        raise ValidationError({"message": _("请写明退回意见，便于联络员修改。")})
    achievement = achievement_change_status(
        achievement,
        to=AchievementStatus.RETURNED,
        allowed_from=[AchievementStatus.SUBMITTED],
        acting_user=acting_user,
        reason=message.strip(),
    )
    _resolve_open_feedback(
        achievement,
        acting_user=acting_user,
        kinds=[FeedbackKind.CORRECTION_REQUEST],
        note=_("已退回联络员修改"),
        outcome=CorrectionOutcome.RETURNED,
    )
    feedback = _feedback_add(
        achievement,
        kind=FeedbackKind.SEND_BACK,
        acting_user=acting_user,
        message=message,
        fields=fields,
        reasons=reasons,
    )
    notification_send(
        recipients=liaisons_of(achievement),
        kind="achievement_send_back",
        title=_("成果被退回修改：%(title)s") % {"title": achievement.title},
        body=feedback.message,
        url=_detail_url(achievement),
    )
    return feedback


@transaction.atomic
def achievement_correction_resolve(
    feedback: AchievementFeedback, *, acting_user: User, outcome: str, note: str = ""
) -> AchievementFeedback:
    """Staff answer a correction request: corrected it themselves, or declined with a reason."""
    _require("achievements.resolve_correction", acting_user, feedback.achievement)
    if outcome not in (CorrectionOutcome.CORRECTED, CorrectionOutcome.DECLINED):
        raise ValidationError({"outcome": _("请选择处理结果。")})
    if outcome == CorrectionOutcome.DECLINED and not note.strip():
        raise ValidationError({"note": _("不予更正时请说明理由。")})
    locked = AchievementFeedback.objects.select_for_update().get(pk=feedback.pk)
    if locked.kind != FeedbackKind.CORRECTION_REQUEST or locked.status != FeedbackStatus.OPEN:
        raise ValidationError(_("该更正申请已处理。"))
    locked.status = FeedbackStatus.RESOLVED
    locked.outcome = outcome
    locked.resolution_note = note.strip()
    locked.resolved_by = acting_user
    locked.resolved_at = timezone.now()
    locked._history_user = acting_user
    locked.save()
    notification_send(
        recipients=[locked.author],
        kind="achievement_correction_resolved",
        title=_("更正申请已处理：%(title)s") % {"title": locked.achievement.title},
        body=f"{locked.get_outcome_display()}。{locked.resolution_note}".rstrip("。") + "。",
        url=_detail_url(locked.achievement),
    )
    return locked


def _lock_pair(*pks: int) -> dict[int, Achievement]:
    """Lock two records in a fixed order, so that two merges (or undos) cannot deadlock or cross."""
    return {
        a.pk: a
        for a in Achievement.all_objects.select_for_update().filter(pk__in=pks).order_by("pk")
    }


@transaction.atomic
def achievement_merge(
    duplicate: Achievement, *, into: Achievement, acting_user: User, reason: str = ""
) -> Achievement:
    """Merge a duplicate into the record kept: the duplicate's unit keeps its credit on it.

    What the merge changes is written down (`AchievementMerge`) so that `achievement_unmerge`
    can undo exactly that."""
    _require("achievements.merge_achievement", acting_user, duplicate)
    if duplicate.pk == into.pk:
        raise ValidationError(_("不能将成果与自身合并。"))
    locked = _lock_pair(duplicate.pk, into.pk)
    kept = locked[into.pk]
    if kept.status not in (
        AchievementStatus.SUBMITTED,
        AchievementStatus.SERVICE,
        AchievementStatus.LANDED,
    ):
        raise ValidationError(
            _("保留的成果须在发现库或服务库中（当前为“%(status)s”）。")
            % {"status": kept.get_status_display()}
        )
    previous_status = locked[duplicate.pk].status
    merged = achievement_change_status(
        duplicate,
        to=AchievementStatus.MERGED,
        allowed_from=[AchievementStatus.SUBMITTED, AchievementStatus.RETURNED],
        acting_user=acting_user,
        reason=reason or _("与成果 #%(pk)d 重复，已合并") % {"pk": kept.pk},
        merged_into=kept,
    )
    units = [(merged.discovering_unit_id, merged)] + [
        (credit.unit_id, credit.merged_from or merged) for credit in merged.credits.all()
    ]
    added_credits = []
    for unit_id, source in units:
        if unit_id != kept.discovering_unit_id:
            credit, created = AchievementCredit.objects.get_or_create(
                achievement=kept,
                unit_id=unit_id,
                defaults={"merged_from": source, "created_by": acting_user},
            )
            if created:
                added_credits.append(credit.pk)
    moved = []
    for earlier in Achievement.all_objects.filter(merged_into=merged):
        earlier.merged_into = kept
        earlier._history_user = acting_user
        earlier._change_reason = _("随合并转至成果 #%(pk)d") % {"pk": kept.pk}
        earlier.save(update_fields=["merged_into", "updated_at"])
        moved.append(earlier.pk)
    closed = _resolve_open_feedback(
        merged,
        acting_user=acting_user,
        kinds=list(FeedbackKind),
        note=_("已与成果 #%(pk)d 合并") % {"pk": kept.pk},
        outcome=CorrectionOutcome.DECLINED,
    )
    record = AchievementMerge(
        duplicate=merged,
        kept=kept,
        previous_status=previous_status,
        reason=reason,
        merged_by=acting_user,
        added_credits=added_credits,
        moved_duplicates=moved,
        closed_feedback=closed,
    )
    record._history_user = acting_user
    record.save()
    notification_send(
        recipients=liaisons_of(merged) + liaisons_of(kept),
        kind="achievement_merged",
        title=_("重复成果已合并：%(title)s") % {"title": kept.title},
        body=_(
            "“%(dup)s”（%(unit)s）与“%(kept)s”（%(kept_unit)s）为同一成果，已合并；两个单位的发现贡献均予保留。"
        )
        % {
            "dup": merged.title,
            "unit": merged.discovering_unit,
            "kept": kept.title,
            "kept_unit": kept.discovering_unit,
        },
        url=_detail_url(kept),
    )
    return kept


def _unmerge_refusal(duplicate: Achievement, kept: Achievement | None, record) -> str:
    """Why this merge can no longer be undone, or "" if it can."""
    if duplicate.status != AchievementStatus.MERGED:
        return _("该成果当前为“%(status)s”，不是已合并的成果，无需撤销。") % {
            "status": duplicate.get_status_display()
        }
    if record is None:
        return _("找不到这次合并的记录，无法自动撤销，请联系系统管理员。")
    if duplicate.merged_into_id != record.kept_id:
        return _("本成果所并入的成果 #%(kept)d 已再次并入成果 #%(now)d，请先撤销那次合并。") % {
            "kept": record.kept_id,
            "now": duplicate.merged_into_id,
        }
    if kept.status == AchievementStatus.MERGED:
        return _("保留的成果 #%(kept)d 已并入成果 #%(now)d，请先撤销那次合并。") % {
            "kept": kept.pk,
            "now": kept.merged_into_id,
        }
    return ""


@transaction.atomic
def achievement_unmerge(duplicate: Achievement, *, acting_user: User, reason: str) -> Achievement:
    """Undo a merge: the duplicate returns to the status it had, the credits the merge added to
    the kept record are removed, records that followed it return to it, the feedback the merge
    closed is open again. Both records keep their history, and the transition log and the merge
    record say who undid it, when and why."""
    _require("achievements.unmerge_achievement", acting_user, duplicate)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销合并的原因。")})
    record = (
        AchievementMerge.objects.select_for_update()
        .filter(duplicate_id=duplicate.pk, unmerged_at__isnull=True)
        .first()
    )
    locked = _lock_pair(duplicate.pk, *([record.kept_id] if record else []))
    duplicate = locked[duplicate.pk]
    kept = locked.get(record.kept_id) if record else None
    refusal = _unmerge_refusal(duplicate, kept, record)
    if refusal:
        raise ValidationError(refusal)
    duplicate.status = record.previous_status
    duplicate.merged_into = None
    other = title_holder(duplicate)
    if other is not None:
        raise ValidationError(
            _("本单位已有同名成果（编号 %(pk)d），撤销合并后将重复登记；请先处理那条成果。")
            % {"pk": other}
        )
    restored = achievement_change_status(
        duplicate,
        to=record.previous_status,
        allowed_from=[AchievementStatus.MERGED],
        acting_user=acting_user,
        reason=_("撤销合并（原并入 #%(pk)d）：%(reason)s") % {"pk": kept.pk, "reason": reason},
        merged_into=None,
    )
    for credit in AchievementCredit.objects.filter(pk__in=record.added_credits, achievement=kept):
        credit._history_user = acting_user
        credit._change_reason = _("撤销合并")
        credit.delete()
    for earlier in Achievement.all_objects.filter(
        pk__in=record.moved_duplicates, merged_into=kept, status=AchievementStatus.MERGED
    ):
        earlier.merged_into = restored
        earlier._history_user = acting_user
        earlier._change_reason = _("撤销合并，回到成果 #%(pk)d") % {"pk": restored.pk}
        earlier.save(update_fields=["merged_into", "updated_at"])
    before = dict(record.closed_feedback)
    for item in AchievementFeedback.objects.select_for_update().filter(
        pk__in=before, achievement=restored, status=FeedbackStatus.RESOLVED
    ):
        item.status = before[item.pk]
        item.resolved_by, item.resolved_at, item.resolution_note, item.outcome = None, None, "", ""
        item._history_user = acting_user
        item._change_reason = _("撤销合并，意见恢复")
        item.save()
    record.unmerged_by = acting_user
    record.unmerged_at = timezone.now()
    record.unmerge_reason = reason
    record._history_user = acting_user
    record.save()
    notification_send(
        recipients=liaisons_of(restored) + liaisons_of(kept),
        kind="achievement_unmerged",
        title=_("合并已撤销：%(title)s") % {"title": restored.title},
        body=_("“%(dup)s”（%(unit)s）不再并入“%(kept)s”，两条成果各自恢复。原因：%(reason)s")
        % {
            "dup": restored.title,
            "unit": restored.discovering_unit,
            "kept": kept.title,
            "reason": reason,
        },
        url=_detail_url(restored),
    )
    return restored


# --- Attachments --------------------------------------------------------------------------------


@transaction.atomic
def achievement_attachment_add(
    achievement: Achievement, *, acting_user: User, uploaded, description: str = ""
) -> AchievementAttachment:
    _require("achievements.change_achievement", acting_user, achievement)
    kind = validate_document(uploaded, max_bytes=ATTACHMENT_MAX_BYTES)
    if achievement.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("每项成果最多上传 %(n)d 个附件，请先删除不需要的附件。") % {"n": MAX_ATTACHMENTS}
        )
    attachment = AchievementAttachment(
        achievement=achievement,
        original_name=(uploaded.name or "附件")[-200:],
        kind=kind,
        size=uploaded.size,
        description=description.strip()[:100],
        uploaded_by=acting_user,
    )
    attachment.file.save(uploaded.name or "upload", uploaded, save=False)
    attachment._history_user = acting_user
    attachment.save()
    return attachment


@transaction.atomic
def achievement_attachment_remove(attachment: AchievementAttachment, *, acting_user: User) -> None:
    _require("achievements.change_achievement", acting_user, attachment.achievement)
    stored = attachment.file
    attachment._history_user = acting_user
    attachment.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


# --- Excel import -------------------------------------------------------------------------------


def _import_unit(acting_user: User, unit: Unit | None) -> Unit:
    _require("achievements.import_achievements", acting_user)
    if acting_user.role == Role.LIAISON:
        return acting_user.unit
    if unit is None:
        raise ValidationError({"unit": _("请选择发现单位。")})
    return unit


def _preview_row(number: int, data: dict[str, Any]) -> dict[str, Any]:
    def show(value):
        if value is None:
            return ""
        if isinstance(value, list):
            return value
        return str(value)

    return {"row": number} | {k: show(v) for k, v in data.items()}


def _batch_show(batch: AchievementImport, importer: AchievementImporter, result) -> None:
    """What the preview shows of a parsed sheet."""
    batch.row_count = len(result.rows)
    batch.valid_count = len(result.valid_rows)
    batch.issue_count = len(result.issues)
    batch.issues = [[i.row, i.column, i.message] for i in result.issues]
    batch.warnings = [list(w) for w in importer.warnings]
    batch.sample = [_preview_row(r.number, r.data) for r in result.valid_rows[:PREVIEW_ROWS]]


@transaction.atomic
def achievement_import_prepare(
    *, acting_user: User, uploaded, unit: Unit | None = None, submit: bool = True
) -> AchievementImport:
    """Read the sheet and keep it for the user to confirm; no achievement is written.

    A file that cannot be read at all raises `WorkbookRejected` (nothing is kept).
    """
    unit = _import_unit(acting_user, unit)
    importer = AchievementImporter(unit=unit)
    result = importer.parse(uploaded)
    batch = AchievementImport(
        original_name=(getattr(uploaded, "name", "") or "upload.xlsx")[-200:],
        unit=unit,
        uploaded_by=acting_user,
        submit=submit,
    )
    _batch_show(batch, importer, result)
    uploaded.seek(0)
    batch.file.save("upload.xlsx", uploaded, save=False)
    batch.save()
    return batch


def achievements_import_rows(
    *,
    acting_user: User,
    unit: Unit,
    rows: Iterable[dict[str, Any]],
    submit: bool,
    reason: str,
) -> list[Achievement]:
    """Save parsed rows in bulk (records, history and transition logs); the caller holds the
    transaction so that all rows are saved, or none."""
    now = timezone.now()
    today = timezone.localdate()
    status = AchievementStatus.SUBMITTED if submit else AchievementStatus.DRAFT
    liaison = acting_user if acting_user.role == Role.LIAISON else None
    records = []
    for data in rows:
        values = _clean(data)
        record = Achievement(
            **values,
            title_normalized=normalize_title(values["title"]),
            discovering_unit=unit,
            liaison=liaison,
            created_by=acting_user,
            status=status,
        )
        if submit:
            record.submitted_at = now
            record.discovered_on = record.discovered_on or today
        records.append(record)
    saved = Achievement.objects.bulk_create(records, batch_size=IMPORT_BATCH_SIZE)
    record_inserts(Achievement, [record.pk for record in saved], user=acting_user, reason=reason)
    # Bulk inserts send no post_save: tell the caches that follow the library ourselves, and
    # queue the one task that indexes, publishes and matches the whole sheet after the commit.
    transaction.on_commit(library_changed)
    achievements_changed(record.pk for record in saved)
    AchievementTransition.objects.bulk_create(
        [
            AchievementTransition(
                achievement=record,
                from_status="",
                to_status=status,
                actor=acting_user,
                reason=reason,
            )
            for record in saved
        ],
        batch_size=IMPORT_BATCH_SIZE,
    )
    return saved


@transaction.atomic
def achievement_import_sheet(
    *, acting_user: User, uploaded, unit: Unit | None = None, submit: bool = True, reason: str
) -> tuple[ImportResult, list[tuple[int, str, str]], list[Achievement]]:
    """Read a sheet and save all its valid rows in one transaction (the command line import).

    The unit's lock is taken before the sheet is checked against the library, so that two imports
    of the same sheet run one after the other and the second finds every title registered."""
    unit = _import_unit(acting_user, unit)
    lock_unit_titles(unit.pk)
    importer = AchievementImporter(unit=unit)
    result = importer.parse(uploaded)
    with title_constraint_as_message():
        saved = achievements_import_rows(
            acting_user=acting_user,
            unit=unit,
            rows=[row.data for row in result.valid_rows],
            submit=submit,
            reason=reason,
        )
    return result, importer.warnings, saved


def achievement_import_confirm(batch: AchievementImport, *, acting_user: User) -> int:
    """Import every valid row of a previewed sheet in one transaction; returns how many.

    A preview is confirmed once: the batch row is locked and must still be "previewed" (a double
    click, or a second tab, is told it was imported). The sheet is read again under the unit's
    lock; rows registered since the preview (another session imported the same sheet a moment
    before) are not imported behind the user's back: the preview is updated with their row
    problems and nothing is imported.
    """
    if batch.uploaded_by_id != acting_user.pk:
        raise PermissionDenied(_("只能确认本人上传的文件。"))
    count, outdated = _import_confirm(batch, acting_user=acting_user)
    if outdated:
        raise ValidationError(
            _(
                "确认前发现文件中有 %(n)d 项成果本单位已经登记（可能是其他人刚刚导入了同一文件），"
                "本次未导入任何成果。预览已按最新情况更新，请核对问题清单后再确认。"
            )
            % {"n": outdated}
        )
    return count


@transaction.atomic
def _import_confirm(batch: AchievementImport, *, acting_user: User) -> tuple[int, int]:
    """(rows imported, rows the library took since the preview: then nothing is imported)."""
    lock_unit_titles(batch.unit_id)
    locked = AchievementImport.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportStatus.PREVIEWED:
        raise ValidationError(_("该文件已导入或已取消，请勿重复操作。"))
    importer = AchievementImporter(unit=locked.unit)
    with locked.file.open("rb") as handle:
        result = importer.parse(handle)
    if len(result.valid_rows) < locked.valid_count:
        outdated = locked.valid_count - len(result.valid_rows)
        _batch_show(locked, importer, result)
        locked._history_user = acting_user
        locked._change_reason = _("确认前重新核对：%(n)d 行已被登记") % {"n": outdated}
        locked.save()
        return 0, outdated
    if not result.valid_rows:
        raise ValidationError(_("没有可以导入的行，请按问题清单修改文件后重新上传。"))
    with title_constraint_as_message():
        saved = achievements_import_rows(
            acting_user=acting_user,
            unit=locked.unit,
            rows=[row.data for row in result.valid_rows],
            submit=locked.submit,
            reason=_("Excel 导入：%(name)s") % {"name": locked.original_name},
        )
    locked.status = ImportStatus.IMPORTED
    locked.imported_at = timezone.now()
    locked.imported_count = len(saved)
    locked._history_user = acting_user
    locked._change_reason = _("确认导入")
    locked.save()
    batch.refresh_from_db()
    return len(saved), 0


@transaction.atomic
def achievement_import_cancel(batch: AchievementImport, *, acting_user: User) -> None:
    if batch.uploaded_by_id != acting_user.pk:
        raise PermissionDenied(_("只能取消本人上传的文件。"))
    if AchievementImport.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.CANCELLED
    ):
        record_updates(AchievementImport, [batch.pk], user=acting_user, reason=_("取消导入"))


# --- Soft delete ----------------------------------------------------------------------------------


@transaction.atomic
def achievement_soft_delete(
    achievement: Achievement, *, acting_user: User, reason: str
) -> Achievement:
    """Delete a record without losing it: it leaves every list, page, API, count, the showcase
    and matching (the post-save task withdraws it), and `achievement_restore` brings it back."""
    _require("achievements.soft_delete_achievement", acting_user, achievement)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写删除原因。"))
    locked = Achievement.all_objects.select_for_update().get(pk=achievement.pk)
    if locked.deleted_at is not None:
        raise ValidationError(_("该成果已被删除。"))
    locked.deleted_at = timezone.now()
    locked.deleted_by = acting_user
    locked.deletion_reason = reason[:500]
    locked._history_user = acting_user
    # simple-history keeps at most 100 characters of a change reason.
    locked._change_reason = (_("删除成果：%(reason)s") % {"reason": locked.deletion_reason})[:100]
    locked.save(update_fields=["deleted_at", "deleted_by", "deletion_reason", "updated_at"])
    return locked


@transaction.atomic
def achievement_restore(achievement: Achievement, *, acting_user: User) -> Achievement:
    """Bring a deleted record back, exactly as it was (status, credits, history)."""
    _require("achievements.restore_achievement", acting_user, achievement)
    locked = Achievement.all_objects.select_for_update().get(pk=achievement.pk)
    if locked.deleted_at is None:
        raise ValidationError(_("该成果未被删除，无需恢复。"))
    locked.deleted_at, locked.deleted_by, locked.deletion_reason = None, None, ""
    other = title_holder(locked)
    if other is not None:
        raise ValidationError(
            _("本单位已有同名成果（编号 %(pk)d），恢复后将重复登记；请先处理那条成果。")
            % {"pk": other}
        )
    locked._history_user = acting_user
    locked._change_reason = _("恢复已删除的成果")
    locked.save(update_fields=["deleted_at", "deleted_by", "deletion_reason", "updated_at"])
    return locked
