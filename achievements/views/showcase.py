"""The public showcase (no login), the "我有意向" button, and staff's external-achievement import."""

import functools
import uuid
from urllib.parse import unquote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kernel.excel import SheetSpec, WorkbookRejected, xlsx_response
from kernel.lists import FilteredListView
from kernel.pagecache import cached_page
from kernel.wording import clause_separator
from towns.models import Industry
from towns.rules import can, require

from ..choices import InquiryStatus
from ..filters.showcase import ExternalAchievementFilter, ShowcaseFilter
from ..forms.demands import InquiryForm
from ..forms.showcase import ExternalImportForm
from ..models import ExternalAchievement, Inquiry
from ..selectors.showcase import (
    cached_ranked_ids,
    entries_in_order,
    public_entries,
    public_entry,
)
from ..services.demands import inquiry_create
from ..services.showcase import (
    ExternalAchievementImporter,
    external_achievement_set_published,
    external_achievements_import,
    showcase_generation,
)

PAGE_SIZE = 12
RELATED_SHOWN = 4
IMPORT_SESSION_KEY = "external_import_file"


@cached_page
def showcase_list(request):
    """Search and filter the published achievements; anyone may look."""
    filterset = ShowcaseFilter(request.GET or None, queryset=public_entries())
    valid = not filterset.is_bound or filterset.is_valid()
    queryset = filterset.qs if filterset.is_bound and valid else public_entries()
    query = (filterset.form.cleaned_data.get("q") or "") if filterset.is_bound and valid else ""
    params = [(key, values) for key, values in request.GET.lists() if key != "page"]
    ids = cached_ranked_ids(queryset, query, params)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    # Read only when the template's cached results are missing.
    entries = SimpleLazyObject(functools.partial(entries_in_order, list(page.object_list)))
    return render(
        request,
        "achievements/showcase/showcase_list.html",
        {
            "filterset": filterset,
            "query": query,
            "page_obj": page,
            "entries": entries,
            "generation": showcase_generation(),
            "fields": Industry.objects.all(),
            "searching": filterset.is_bound,
            "can_post_demand": can(request.user, "achievements.add_demand"),
        },
    )


def _related_ids(entry) -> list[int]:
    key = f"achievements:showcase:{showcase_generation()}:related:{entry.pk}"
    ids = cache.get(key)
    if ids is None:
        ids = list(
            public_entries()
            .filter(field_id=entry.field_id)
            .exclude(pk=entry.pk)
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)[:RELATED_SHOWN]
        )
        cache.set(key, ids, 600)
    return ids


def _interest_context(request, entry, form=None) -> dict:
    user = request.user
    context = {"can_express_interest": can(user, "achievements.express_interest")}
    if context["can_express_interest"]:
        subject = (
            {"achievement_id": entry.achievement_id}
            if entry.achievement_id
            else {"external_id": entry.external_id}
        )
        context["my_inquiry"] = (
            Inquiry.objects.filter(enterprise_id=user.enterprise_id, **subject)
            .exclude(status=InquiryStatus.CLOSED)
            .first()
        )
        enterprise = user.enterprise
        context["interest_form"] = form or InquiryForm(
            initial={
                "contact_name": enterprise.contact_name or user.display_name,
                "contact_phone": enterprise.contact_phone or user.phone,
            }
        )
    return context


@cached_page
def showcase_detail(request, key: str, slug: str | None = None, form=None):
    entry = public_entry(key)
    if entry is None:
        raise Http404(_("该成果不存在或已不再公开展示。"))
    canonical = entry.get_absolute_url()
    if request.path != unquote(canonical) and form is None:
        return redirect(canonical, permanent=True)
    return render(
        request,
        "achievements/showcase/showcase_detail.html",
        {
            "entry": entry,
            "related": entries_in_order(_related_ids(entry)),
            "generation": showcase_generation(),
            **_interest_context(request, entry, form),
        },
        status=400 if form is not None else 200,
    )


@login_required
@require_POST
def showcase_interest(request, key: str):
    entry = public_entry(key)
    if entry is None:
        raise Http404
    require(request.user, "achievements.express_interest")
    form = InquiryForm(request.POST)
    if not form.is_valid():
        return showcase_detail(request, key, form=form)
    inquiry, created = inquiry_create(acting_user=request.user, entry=entry, **form.cleaned_data)
    if created:
        messages.success(request, _("已提交合作意向，服务中心会尽快与您联系。"))
    else:
        messages.info(request, _("您已对该成果提交过意向，服务中心正在跟进。"))
    return redirect(entry.get_absolute_url())


# --- Staff: external achievements ---------------------------------------------------------------


class ExternalAchievementListView(PermissionRequiredMixin, FilteredListView):
    permission_required = "achievements.manage_external_achievements"
    template_name = "achievements/showcase/external_list.html"
    filterset_class = ExternalAchievementFilter
    sort_options = {
        "new": (gettext_lazy("最近导入"), ("-created_at", "-pk")),
        "holder": (gettext_lazy("完成单位"), ("holder", "title")),
    }

    def get_scoped_queryset(self):
        return ExternalAchievement.objects.select_related("field", "showcase_entry")


@login_required
def external_template(request):
    require(request.user, "achievements.manage_external_achievements")
    importer = ExternalAchievementImporter
    return xlsx_response(
        "外地成果导入模板.xlsx",
        [
            SheetSpec(
                title=_("外地成果"),
                headers=[column.header for column in importer.columns],
                rows=[
                    [
                        "高精度柔性触觉传感器",
                        "基于离子凝胶的柔性触觉传感器，灵敏度高、可拉伸，适用于机器人皮肤与可穿戴设备。",
                        "具身智能",
                        "某某大学",
                        "某某大学技术转移中心成果库（2025年）",
                        "项目类",
                        4,
                        "许可、合作开发",
                        "广州市",
                        "https://example.edu.cn/tech/123",
                    ]
                ],
                widths=[30, 60, 16, 24, 32, 10, 10, 18, 12, 32],
            )
        ],
    )


@login_required
def external_import(request):
    """Upload → preview every problem by row and column → confirm saves all valid rows."""
    require(request.user, "achievements.manage_external_achievements")
    if request.method == "POST" and "confirm" in request.POST:
        return _external_import_confirm(request)
    form = ExternalImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = ExternalAchievementImporter().parse(upload)
        except WorkbookRejected as error:
            form.add_error("file", str(error))
        else:
            name = default_storage.save(f"imports/external/{uuid.uuid4().hex}.xlsx", upload)
            request.session[IMPORT_SESSION_KEY] = name
            context.update(result=result, preview=result.valid_rows[:20])
    return render(request, "achievements/showcase/external_import.html", context)


def _external_import_confirm(request):
    name = request.session.pop(IMPORT_SESSION_KEY, None)
    if not name or not default_storage.exists(name):
        messages.error(request, _("导入文件已失效，请重新上传。"))
        return redirect("achievements:external_import")
    try:
        with default_storage.open(name) as handle:
            result = ExternalAchievementImporter().parse(handle)
    except WorkbookRejected as error:
        messages.error(request, str(error))
        return redirect("achievements:external_import")
    finally:
        default_storage.delete(name)
    rows = [row.data for row in result.valid_rows]
    created, updated = external_achievements_import(acting_user=request.user, rows=rows)
    messages.success(
        request,
        _("已导入 %(created)d 项外地成果，更新 %(updated)d 项；%(skipped)d 行有问题未导入。")
        % {"created": created, "updated": updated, "skipped": len(result.rows) - len(rows)},
    )
    return redirect("achievements:external_list")


@login_required
@require_POST
def external_set_published(request, pk: int):
    require(request.user, "achievements.manage_external_achievements")
    external = get_object_or_404(ExternalAchievement, pk=pk)
    published = request.POST.get("published") == "1"
    try:
        external_achievement_set_published(external, acting_user=request.user, published=published)
    except ValidationError as error:
        messages.error(request, clause_separator().join(error.messages))
    else:
        messages.success(request, _("已在展示区公开。") if published else _("已从展示区撤下。"))
    return redirect("achievements:external_list")
