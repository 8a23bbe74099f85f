"""Pages of the discovery library: list, detail cards, register and edit, workflow, merge, Excel."""

import tempfile

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kernel.cache import reading_other_rows
from kernel.excel import XLSX_CONTENT_TYPE, SheetSpec, WorkbookRejected, xlsx_response
from kernel.limits import IMPORT_INLINE_MAX_ROWS
from kernel.lists import FilteredListView
from kernel.pagecache import PageScope, cached_page
from kernel.parsing import parse_id
from kernel.uploads import protected_file_response
from kernel.views import flash_form_errors
from kernel.wording import clause_separator
from towns.jobs import job_start

from ..choices import AchievementStatus, FeedbackKind, ImportStatus
from ..excel.discovery import export_sheet, template_workbook
from ..filters.discovery import AchievementFilter
from ..forms.discovery import (
    AchievementForm,
    AttachmentForm,
    CorrectionRequestForm,
    CorrectionResolveForm,
    ImportForm,
    MergeForm,
    SendBackForm,
    UnmergeForm,
    WithdrawForm,
)
from ..models import Achievement, AchievementAttachment, AchievementFeedback, AchievementImport
from ..selectors import discovery as selectors
from ..services import discovery as services
from .cards import MAIN, SIDE, DetailCard, register_card, render_cards

ISSUES_SHOWN = 1000
ACTIONS = {
    "change": "achievements.change_achievement",
    "submit": "achievements.submit_achievement",
    "withdraw": "achievements.withdraw_achievement",
    "reopen": "achievements.reopen_achievement",
    "request_correction": "achievements.request_correction",
    "send_back": "achievements.send_back_achievement",
    "resolve_correction": "achievements.resolve_correction",
    "merge": "achievements.merge_achievement",
    "unmerge": "achievements.unmerge_achievement",
    "delete": "achievements.soft_delete_achievement",
}


def _require(user, perm: str, obj=None) -> None:
    if not rules.has_perm(perm, user, obj):
        raise PermissionDenied


def _visible(request, pk: int) -> Achievement:
    try:
        return selectors.achievement_detail_for(request.user, pk)
    except Achievement.DoesNotExist:
        raise Http404 from None


def _errors(exc: ValidationError) -> str:
    return clause_separator().join(exc.messages)


def _detail(achievement: Achievement, anchor: str = ""):
    url = reverse("achievements:achievement_detail", args=[achievement.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- The list -----------------------------------------------------------------------------------


class AchievementListView(FilteredListView):
    template_name = "achievements/discovery/list.html"
    filterset_class = AchievementFilter
    paginate_by = 20
    export_filename = "科技成果发现库.xlsx"
    sort_options = {
        "new": (gettext_lazy("最新登记"), ("-created_at", "-id")),
        "submitted": (
            gettext_lazy("最近提交"),
            (F("submitted_at").desc(nulls_last=True), "-id"),
        ),
        "discovered": (
            gettext_lazy("发现日期"),
            (F("discovered_on").desc(nulls_last=True), "-id"),
        ),
        "contribution": (
            gettext_lazy("预期经济贡献"),
            (F("expected_contribution").desc(nulls_last=True), "-id"),
        ),
        "trl": (gettext_lazy("技术成熟度"), (F("trl").desc(nulls_last=True), "-id")),
        "title": (gettext_lazy("成果名称"), ("title", "id")),
    }

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require(request.user, "achievements.view_library")
        return super().dispatch(request, *args, **kwargs)

    def get_scoped_queryset(self):
        queryset = selectors.library_for(self.request.user)
        if not self.request.GET.get("status"):
            queryset = queryset.exclude(status=AchievementStatus.MERGED)
        return queryset

    def export_sheet(self, queryset) -> SheetSpec:
        return export_sheet(queryset, self.request.user)

    def get_context_data(self, **kwargs):
        # The page shows a row's title, holder, kind, field, unit, landing, TRL, contribution and
        # status: the long texts and the liaison are not read (the export reads every column).
        self.object_list = (
            self.object_list.select_related(None)
            .select_related("field", "discovering_unit", "landing_division")
            .defer(*LIST_UNREAD_FIELDS)
        )
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            can_add=rules.has_perm("achievements.add_achievement", user),
            can_import=rules.has_perm("achievements.import_achievements", user),
            show_unit=user.reads_everything,
        )
        return context


@login_required
@require_POST
def achievement_export_job(request):
    """A large export as a background job: the list's filters and sort, the user's scope; the
    page shows its progress and the bell says when the file is ready."""
    _require(request.user, "achievements.view_library")
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    for name in ("page", "export"):
        query.pop(name, None)
    job = job_start(
        owner=request.user,
        kind="achievement_export",
        title=_("科技成果发现库导出"),
        params={"query": query.urlencode()},
    )
    return redirect("towns:job_detail", pk=job.pk)


LIST_UNREAD_FIELDS = (
    "summary",
    "title_normalized",
    "team",
    "ip_numbers",
    "notes",
    "contact_name",
    "contact_phone",
    "deletion_reason",
)


# --- The detail page and its cards --------------------------------------------------------------


def _actions(user, achievement) -> dict[str, bool]:
    return {name: rules.has_perm(perm, user, achievement) for name, perm in ACTIONS.items()}


@login_required
@cached_page(scope=PageScope("achievement"))
def achievement_detail(request, pk: int):
    achievement = _visible(request, pk)
    base = {"achievement": achievement, "actions": _actions(request.user, achievement)}
    columns = render_cards(request, achievement, base)
    return render(
        request,
        "achievements/discovery/detail.html",
        {**base, "main_cards": columns[MAIN], "side_cards": columns[SIDE]},
    )


def _status_card(request, achievement):
    if achievement.merged_into_id:
        reading_other_rows(Achievement)  # the card names the record it was merged into
    return {
        "send_back": selectors.open_send_back(achievement),
        "merge": selectors.merge_in_force(achievement),
    }


def _contact_card(request, achievement):
    return {"contact": selectors.contact_for(achievement, request.user)}


def _credits_card(request, achievement):
    merged = list(achievement.merged_duplicates.select_related("discovering_unit").order_by("pk"))
    return {"credits": selectors.credits_of(achievement), "merged_duplicates": merged}


def _feedback_card(request, achievement):
    items = selectors.feedback_of(achievement)
    if not items:
        return None
    return {"feedback": items, "resolve_form": CorrectionResolveForm()}


def _attachments_card(request, achievement):
    return {
        "attachments": selectors.attachments_of(achievement),
        "attachment_form": getattr(request, "attachment_form", None) or AttachmentForm(),
    }


def _duplicates_card(request, achievement):
    if not request.user.is_back_office or achievement.status == AchievementStatus.MERGED:
        return None
    duplicates = selectors.likely_duplicates(
        user=request.user,
        title=achievement.title,
        holder=achievement.holder,
        field_id=achievement.field_id,
        summary=achievement.summary,
        exclude_pk=achievement.pk,
    )
    return {"duplicates": duplicates} if duplicates else None


def _transitions_card(request, achievement):
    return {"transitions": selectors.transitions_of(achievement)}


def _history_card(request, achievement):
    return {"history": selectors.achievement_history(achievement, user=request.user)}


CARD_DIR = "achievements/discovery/cards"
for _card in (
    DetailCard("status", f"{CARD_DIR}/status.html", 10, SIDE, _status_card),
    DetailCard("contact", f"{CARD_DIR}/contact.html", 100, SIDE, _contact_card),
    DetailCard("credits", f"{CARD_DIR}/credits.html", 200, SIDE, _credits_card),
    DetailCard("overview", f"{CARD_DIR}/overview.html", 100, MAIN),
    DetailCard("feedback", f"{CARD_DIR}/feedback.html", 150, MAIN, _feedback_card),
    DetailCard("duplicates", f"{CARD_DIR}/duplicates.html", 160, MAIN, _duplicates_card),
    DetailCard("attachments", f"{CARD_DIR}/attachments.html", 300, MAIN, _attachments_card),
    DetailCard("transitions", f"{CARD_DIR}/transitions.html", 800, MAIN, _transitions_card),
    DetailCard("history", f"{CARD_DIR}/history.html", 900, MAIN, _history_card),
):
    register_card(_card)


# --- Register and edit --------------------------------------------------------------------------


def _record_form(request, achievement: Achievement | None):
    user = request.user
    flagged = ()
    if achievement is not None and achievement.status == AchievementStatus.RETURNED:
        send_back = selectors.open_send_back(achievement)
        flagged = send_back.fields if send_back else ()
    instance = achievement or Achievement()
    if request.method != "POST":
        form = AchievementForm(instance=instance, user=user, flagged_fields=flagged)
        return _render_form(request, form, achievement)

    form = AchievementForm(request.POST, instance=instance, user=user, flagged_fields=flagged)
    if not form.is_valid():
        return _render_form(request, form, achievement)
    data = form.cleaned_data
    title_changed = achievement is None or "title" in form.changed_data
    if title_changed and not data.get("confirm_not_duplicate"):
        duplicates = selectors.likely_duplicates(
            user=user,
            title=data["title"],
            holder=data.get("holder", ""),
            field_id=data["field"].pk if data.get("field") else None,
            summary=data.get("summary", ""),
            exclude_pk=achievement.pk if achievement else None,
        )
        if duplicates:
            form = AchievementForm(
                request.POST,
                instance=instance,
                user=user,
                duplicates=duplicates,
                flagged_fields=flagged,
            )
            form.is_valid()
            return _render_form(request, form, achievement)
    try:
        if achievement is None:
            achievement = services.achievement_create(
                acting_user=user, unit=data.get("discovering_unit"), data=data
            )
            messages.success(request, _("已保存为草稿。核对无误后请点击“提交至发现库”。"))
        else:
            changed = services.achievement_update(achievement, acting_user=user, data=data)
            messages.success(request, _("已保存修改。") if changed else _("没有修改任何内容。"))
    except ValidationError as exc:
        _add_errors(form, exc)
        return _render_form(request, form, achievement)
    return _detail(achievement)


def _add_errors(form, exc: ValidationError) -> None:
    """A service's refusal next to the field it names (at the top of the form otherwise)."""
    if hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.fields):
        form.add_error(None, exc)
    else:
        form.add_error(None, _errors(exc))


def _render_form(request, form, achievement):
    return render(
        request,
        "achievements/discovery/form.html",
        {"form": form, "achievement": achievement},
    )


@login_required
def achievement_create(request):
    _require(request.user, "achievements.add_achievement")
    return _record_form(request, None)


@login_required
def achievement_edit(request, pk: int):
    achievement = _visible(request, pk)
    _require(request.user, "achievements.change_achievement", achievement)
    return _record_form(request, achievement)


@login_required
@require_GET
def achievement_duplicate_hint(request):
    """The live duplicate warning under the title field (htmx)."""
    _require(request.user, "achievements.view_library")
    duplicates = selectors.likely_duplicates(
        user=request.user,
        title=request.GET.get("title", "")[:200],
        holder=request.GET.get("holder", "")[:200],
        field_id=parse_id(request.GET.get("field")),
        exclude_pk=parse_id(request.GET.get("exclude")),
    )
    return render(
        request,
        "achievements/discovery/form.html#duplicate-hint",
        {"duplicates": duplicates},
    )


# --- Workflow -----------------------------------------------------------------------------------


def _run(request, achievement, action, success: str, anchor: str = ""):
    try:
        action()
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, success)
    return _detail(achievement, anchor)


def _workflow_view(action: str, call, success):
    """A POST that moves the record one step (submit, withdraw, reopen) and goes back to it."""

    @login_required
    @require_POST
    def view(request, pk: int):
        achievement = _visible(request, pk)
        _require(request.user, ACTIONS[action], achievement)
        return _run(request, achievement, lambda: call(request, achievement), str(success))

    view.__name__ = f"achievement_{action}"
    return view


def _with_reason(form_class, service):
    """A workflow step that takes the reason typed next to its button."""

    def call(request, achievement):
        form = form_class(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        return service(achievement, acting_user=request.user, reason=reason)

    return call


achievement_submit = _workflow_view(
    "submit",
    lambda request, a: services.achievement_submit(a, acting_user=request.user),
    gettext_lazy("已提交至成果发现库。"),
)
achievement_withdraw = _workflow_view(
    "withdraw",
    _with_reason(WithdrawForm, services.achievement_withdraw),
    gettext_lazy("已撤回。如需再次提交，请先“恢复为草稿”。"),
)
achievement_reopen = _workflow_view(
    "reopen",
    lambda request, a: services.achievement_reopen(a, acting_user=request.user),
    gettext_lazy("已恢复为草稿，可以修改后再提交。"),
)


achievement_unmerge = _workflow_view(
    "unmerge",
    _with_reason(UnmergeForm, services.achievement_unmerge),
    gettext_lazy("已撤销合并：两条成果各自恢复，合并时添加的共同发现单位已移除。"),
)


def _feedback_form_view(request, pk, *, perm, form_class, page, save, success):
    achievement = _visible(request, pk)
    _require(request.user, perm, achievement)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save(achievement, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, success)
            return _detail(achievement, "feedback")
    return render(
        request,
        "achievements/discovery/feedback_form.html",
        {"achievement": achievement, "form": form, **page},
    )


@login_required
def achievement_send_back(request, pk: int):
    return _feedback_form_view(
        request,
        pk,
        perm=ACTIONS["send_back"],
        form_class=SendBackForm,
        page={
            "heading": _("退回修改"),
            "intro": _("退回后联络员可修改并重新提交；请写明原因，勾选需要修改的内容。"),
            "button": _("退回联络员修改"),
            "button_class": "btn-warning",
            "icon": "arrow-return-left",
        },
        save=lambda a, data: services.achievement_send_back(
            a,
            acting_user=request.user,
            reasons=data["reasons"],
            fields=data["fields"],
            message=data["message"],
        ),
        success=_("已退回联络员修改，并已通知联络员。"),
    )


@login_required
def achievement_correction_request(request, pk: int):
    return _feedback_form_view(
        request,
        pk,
        perm=ACTIONS["request_correction"],
        form_class=CorrectionRequestForm,
        page={
            "heading": _("申请更正"),
            "intro": _(
                "成果提交后由服务中心统一管理。请说明需要更正的内容，服务中心会直接更正，或退回给您修改。"
            ),
            "button": _("提交更正申请"),
            "button_class": "btn-primary",
            "icon": "send",
        },
        save=lambda a, data: services.achievement_correction_request(
            a, acting_user=request.user, fields=data["fields"], message=data["message"]
        ),
        success=_("更正申请已提交，服务中心处理后会通知您。"),
    )


@login_required
@require_POST
def achievement_correction_resolve(request, feedback_pk: int):
    feedback = get_object_or_404(
        AchievementFeedback.objects.filter(
            kind=FeedbackKind.CORRECTION_REQUEST,
            achievement__in=Achievement.objects.visible_to(request.user),
        ),
        pk=feedback_pk,
    )
    achievement = feedback.achievement
    _require(request.user, ACTIONS["resolve_correction"], achievement)
    form = CorrectionResolveForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return _detail(achievement, "feedback")
    return _run(
        request,
        achievement,
        lambda: services.achievement_correction_resolve(
            feedback,
            acting_user=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        ),
        _("更正申请已处理，并已通知申请人。"),
        "feedback",
    )


# --- Duplicates and merging ---------------------------------------------------------------------


@login_required
def achievement_merge(request, pk: int):
    duplicate = _visible(request, pk)
    _require(request.user, ACTIONS["merge"], duplicate)
    form = MergeForm(request.POST or None, initial={"into": request.GET.get("into")})
    target = None
    into = request.POST.get("into") or request.GET.get("into")
    if into and str(into).isdecimal():
        target = (
            Achievement.objects.visible_to(request.user)
            .select_related("discovering_unit", "field")
            .filter(pk=int(into))
            .first()
        )
    if request.method == "POST" and form.is_valid():
        if target is None:
            form.add_error("into", _("找不到编号为 %(pk)s 的成果。") % {"pk": into})
        else:
            try:
                kept = services.achievement_merge(
                    duplicate,
                    into=target,
                    acting_user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(
                    request,
                    _("已合并：成果 #%(dup)d 并入 #%(kept)d，两个单位的发现贡献均已保留。")
                    % {"dup": duplicate.pk, "kept": kept.pk},
                )
                return _detail(kept)
    candidates = selectors.likely_duplicates(
        user=request.user,
        title=duplicate.title,
        holder=duplicate.holder,
        field_id=duplicate.field_id,
        summary=duplicate.summary,
        exclude_pk=duplicate.pk,
    )
    return render(
        request,
        "achievements/discovery/merge.html",
        {
            "achievement": duplicate,
            "target": target,
            "form": form,
            "candidates": candidates,
            "duplicate_contact": selectors.contact_for(duplicate, request.user),
            "target_contact": selectors.contact_for(target, request.user) if target else None,
        },
    )


@login_required
def achievement_duplicates(request):
    if not request.user.is_back_office:
        raise PermissionDenied
    return render(
        request,
        "achievements/discovery/duplicates.html",
        {
            "groups": selectors.duplicate_groups(),
            "merges": selectors.merges_in_force(),
        },
    )


# --- Attachments --------------------------------------------------------------------------------


@login_required
@require_POST
def achievement_attachment_upload(request, pk: int):
    achievement = _visible(request, pk)
    _require(request.user, ACTIONS["change"], achievement)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.achievement_attachment_add(
                achievement,
                acting_user=request.user,
                uploaded=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            form.add_error("file", _errors(exc))
        else:
            messages.success(request, _("附件已上传。"))
            return _detail(achievement, "attachments")
    request.attachment_form = form
    response = achievement_detail(request, pk)
    response.status_code = 400
    return response


def _attachment(request, pk: int) -> AchievementAttachment:
    return get_object_or_404(
        AchievementAttachment.objects.select_related("achievement").filter(
            achievement__in=Achievement.objects.visible_to(request.user)
        ),
        pk=pk,
    )


@login_required
@require_GET
def achievement_attachment_download(request, pk: int):
    attachment = _attachment(request, pk)
    return protected_file_response(attachment.file, download_name=attachment.original_name)


@login_required
@require_POST
def achievement_attachment_delete(request, pk: int):
    attachment = _attachment(request, pk)
    achievement = attachment.achievement
    _require(request.user, ACTIONS["change"], achievement)
    services.achievement_attachment_remove(attachment, acting_user=request.user)
    messages.success(request, _("已删除附件“%(name)s”。") % {"name": attachment.original_name})
    return _detail(achievement, "attachments")


# --- Excel import -------------------------------------------------------------------------------


@login_required
def achievement_import(request):
    _require(request.user, "achievements.import_achievements")
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.achievement_import_prepare(
                acting_user=request.user,
                uploaded=form.cleaned_data["file"],
                unit=form.cleaned_data.get("unit"),
                submit=form.cleaned_data["submit"],
            )
        except WorkbookRejected as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("achievements:achievement_import_preview", pk=batch.pk)
    recent = AchievementImport.objects.filter(uploaded_by=request.user).select_related("unit")[:10]
    return render(request, "achievements/discovery/import.html", {"form": form, "recent": recent})


def _batch(request, pk: int) -> AchievementImport:
    return get_object_or_404(
        AchievementImport.objects.select_related("unit"), pk=pk, uploaded_by=request.user
    )


@login_required
def achievement_import_preview(request, pk: int):
    batch = _batch(request, pk)
    issues_shown = batch.issues[:ISSUES_SHOWN]
    return render(
        request,
        "achievements/discovery/import_preview.html",
        {
            "batch": batch,
            "issues": issues_shown,
            "issues_hidden": max(0, len(batch.issues) - ISSUES_SHOWN),
            "skipped": batch.row_count - batch.valid_count,
            "previewing": batch.status == ImportStatus.PREVIEWED,
        },
    )


@login_required
@require_POST
def achievement_import_confirm(request, pk: int):
    batch = _batch(request, pk)
    if batch.row_count > IMPORT_INLINE_MAX_ROWS:
        job = job_start(
            owner=request.user,
            kind="achievement_import",
            title=_("Excel 批量导入：%(name)s") % {"name": batch.original_name},
            params={"import_id": batch.pk},
        )
        return redirect("towns:job_detail", pk=job.pk)
    try:
        count = services.achievement_import_confirm(batch, acting_user=request.user)
    except (ValidationError, WorkbookRejected) as exc:
        messages.error(request, _errors(exc) if isinstance(exc, ValidationError) else str(exc))
        return redirect("achievements:achievement_import_preview", pk=batch.pk)
    messages.success(
        request,
        _("已导入 %(n)d 项成果（%(status)s）。")
        % {"n": count, "status": _("已提交至发现库") if batch.submit else _("草稿")},
    )
    url = reverse("achievements:achievement_list")
    status = AchievementStatus.SUBMITTED if batch.submit else AchievementStatus.DRAFT
    return redirect(f"{url}?status={status}&sort=new")


@login_required
@require_POST
def achievement_import_cancel(request, pk: int):
    batch = _batch(request, pk)
    services.achievement_import_cancel(batch, acting_user=request.user)
    messages.info(request, _("已取消本次导入，未保存任何数据。"))
    return redirect("achievements:achievement_import")


@login_required
@require_GET
def achievement_import_problems(request, pk: int):
    batch = _batch(request, pk)
    return xlsx_response(
        f"导入问题清单-{batch.pk}.xlsx",
        [
            SheetSpec(
                title="问题清单",
                headers=["行号", "列", "问题"],
                rows=batch.issues,
                widths=[8, 24, 80],
            )
        ],
    )


@login_required
@require_GET
def achievement_import_template(request):
    _require(request.user, "achievements.import_achievements")
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    template_workbook().save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename="科技成果登记模板.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


# --- Soft delete and the recycle bin --------------------------------------------------------------


@login_required
@require_POST
def achievement_delete(request, pk: int):
    achievement = _visible(request, pk)
    _require(request.user, "achievements.soft_delete_achievement", achievement)
    try:
        services.achievement_soft_delete(
            achievement, acting_user=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return _detail(achievement, "")
    messages.success(request, _("成果已删除，可在“已删除成果”中恢复。"))
    return redirect("achievements:achievement_trash")


class AchievementTrashView(FilteredListView):
    """The deleted achievements (newest deletion first), each with a restore button."""

    template_name = "achievements/discovery/trash.html"
    sort_options = {"deleted": (gettext_lazy("删除时间"), ("-deleted_at", "-pk"))}

    def get_scoped_queryset(self):
        _require(self.request.user, "achievements.restore_achievement")
        return selectors.deleted_achievements()


@login_required
@require_POST
def achievement_restore(request, pk: int):
    achievement = get_object_or_404(selectors.deleted_achievements(), pk=pk)
    _require(request.user, "achievements.restore_achievement", achievement)
    try:
        services.achievement_restore(achievement, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("achievements:achievement_trash")
    messages.success(request, _("成果已恢复。"))
    return _detail(achievement, "")
