"""Pages of the demand window: demands, their matches, the matching vocabulary, inquiries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kernel.limits import BULK_MAX_ROWS
from kernel.lists import FilteredListView
from kernel.parsing import parse_id
from kernel.tables import page_columns, table_sheet
from kernel.views import flash_form_errors
from kernel.wording import clause_separator
from towns.bulk import bulk_report
from towns.rules import can, require

from .. import matching, tables
from ..choices import DemandKind, MatchStatus
from ..filters.demands import DemandFilter, InquiryFilter, SynonymGroupFilter
from ..forms.demands import (
    ConceptLinksForm,
    DemandForm,
    InquiryFollowUpForm,
    ProposeForm,
    ReasonForm,
    SynonymGroupForm,
)
from ..matching.concepts import concept_links_save
from ..models import Demand, Match, SynonymGroup
from ..selectors.demands import (
    demand_matches,
    demand_with_history,
    demands_for,
    inquiries_for,
    synonym_groups,
)
from ..selectors.people import demand_people
from ..services import demands as services


def _fail(request, error: ValidationError) -> None:
    messages.error(request, clause_separator().join(error.messages))


class DemandListView(PermissionRequiredMixin, FilteredListView):
    permission_required = "achievements.view_demand_window"
    template_name = "achievements/demands/demand_list.html"
    filterset_class = DemandFilter
    sort_options = {
        "new": (gettext_lazy("最新发布"), ("-created_at", "-pk")),
        "deadline": (gettext_lazy("期望解决时间"), ("deadline", "pk")),
        "review": (gettext_lazy("待审核推荐最多"), ("-suggested_count", "-created_at", "-pk")),
    }
    export_filename = "企业需求.xlsx"

    def get_scoped_queryset(self):
        return demands_for(self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_review = can(user, "achievements.review_matches")
        hidden = [tables.DEMAND_PROPOSED if can_review else tables.DEMAND_TO_REVIEW]
        if user.enterprise:
            hidden.append(tables.DEMAND_ENTERPRISE)  # their own
        return super().get_context_data(
            can_add=can(user, "achievements.add_demand"),
            can_review=can_review,
            columns=page_columns(tables.DEMAND_COLUMNS, without=hidden),
            **kwargs,
        )

    def export_sheet(self, queryset):
        return table_sheet(_("企业需求"), tables.DEMAND_COLUMNS, queryset.iterator(chunk_size=500))


@login_required
def demand_create(request):
    require(request.user, "achievements.add_demand")
    enterprise = request.user.enterprise
    initial = {
        "division": enterprise.division_id,
        "field": enterprise.industry_id,
        "contact_name": enterprise.contact_name or request.user.display_name,
        "contact_phone": enterprise.contact_phone or request.user.phone,
        "contact_email": request.user.email,
    }
    form = DemandForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        demand = services.demand_create(
            acting_user=request.user, enterprise=enterprise, **form.cleaned_data
        )
        messages.success(request, _("需求已发布。平台正在为您匹配成果，服务中心审核后会推荐给您。"))
        return redirect("achievements:demand_detail", pk=demand.pk)
    return render(request, "achievements/demands/demand_form.html", {"form": form})


@login_required
def demand_update(request, pk: int):
    demand = get_object_or_404(Demand.objects.visible_to(request.user), pk=pk)
    require(request.user, "achievements.change_demand", demand)
    form = DemandForm(request.POST or None, instance=demand)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.demand_update(demand, acting_user=request.user, **changes)
        except ValidationError as error:
            _fail(request, error)
        else:
            messages.success(request, _("需求已修改，推荐成果将重新计算。"))
            return redirect("achievements:demand_detail", pk=demand.pk)
    return render(
        request, "achievements/demands/demand_form.html", {"form": form, "demand": demand}
    )


@login_required
def demand_detail(request, pk: int):
    require(request.user, "achievements.view_demand_window")
    demand = demand_with_history(pk, request.user)
    matches = list(demand_matches(demand, request.user))
    for match in matches:
        match.explanation_text = matching.explanation_text(match.explanation)
        match.concepts_fired = matching.concepts_fired(match.explanation)
        # One small form per match: ids must stay unique on the page.
        auto_id = f"id_m{match.pk}_%s"
        match.propose_form = ProposeForm(auto_id=auto_id)
        match.reject_form = ReasonForm(auto_id=auto_id, label=_("否决原因"))
        match.decline_form = ReasonForm(
            auto_id=auto_id, required=False, label=_("婉拒原因（可不填）")
        )
    suggested = [m for m in matches if m.status == MatchStatus.SUGGESTED]
    decided = [m for m in matches if m.status != MatchStatus.SUGGESTED]
    can_review = can(request.user, "achievements.review_matches")
    # A talent demand is answered by people: experts, brokers, achievement teams.
    people = (
        demand_people(demand, request.user)
        if can_review and demand.kind == DemandKind.TALENT and demand.is_active
        else None
    )
    return render(
        request,
        "achievements/demands/demand_detail.html",
        {
            "demand": demand,
            "suggested": suggested,
            "decided": decided,
            "people": people,
            "can_review": can_review,
            "can_change": can(request.user, "achievements.change_demand", demand),
            "can_close": can(request.user, "achievements.close_demand", demand),
            "can_follow": can(request.user, "achievements.follow_demand", demand),
        },
    )


@login_required
@require_POST
def demand_close(request, pk: int):
    demand = get_object_or_404(Demand.objects.visible_to(request.user), pk=pk)
    require(request.user, "achievements.close_demand", demand)
    form = ReasonForm(request.POST, required=False)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.demand_close(demand, acting_user=request.user, reason=reason)
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("需求已关闭。"))
    return redirect("achievements:demand_detail", pk=demand.pk)


@login_required
@require_POST
def demand_rematch(request, pk: int):
    demand = get_object_or_404(Demand.objects.visible_to(request.user), pk=pk)
    require(request.user, "achievements.review_matches")
    services.demand_request_rematch(demand)
    messages.success(request, _("已重新计算推荐成果。"))
    return redirect("achievements:demand_detail", pk=demand.pk)


@login_required
@require_POST
def demand_follow(request, pk: int):
    demand = get_object_or_404(Demand.objects.visible_to(request.user), pk=pk)
    require(request.user, "achievements.follow_demand", demand)
    follow = request.POST.get("follow") != "0"
    try:
        services.demand_follow(demand, acting_user=request.user, follow=follow)
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(
            request,
            _("您已跟进该需求，有新的匹配成果时会通知您。") if follow else _("已取消跟进。"),
        )
    return redirect("achievements:demand_detail", pk=demand.pk)


def _visible_match(request, pk: int) -> Match:
    return get_object_or_404(
        Match.objects.visible_to(request.user).select_related("demand", "achievement"), pk=pk
    )


def _match_action(request, pk: int, perm: str, action, form=None, success: str = ""):
    match = _visible_match(request, pk)
    require(request.user, perm, match)
    if form is not None and not form.is_valid():
        flash_form_errors(request, form)
        return redirect("achievements:demand_detail", pk=match.demand_id)
    try:
        action(match, form.cleaned_data if form is not None else {})
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, success)
    return redirect(
        f"{reverse('achievements:demand_detail', args=[match.demand_id])}#match-{match.pk}"
    )


@login_required
@require_POST
def match_propose(request, pk: int):
    return _match_action(
        request,
        pk,
        "achievements.review_match",
        lambda m, data: services.match_propose(m, acting_user=request.user, note=data["note"]),
        form=ProposeForm(request.POST),
        success=_("已推荐给企业。"),
    )


@login_required
@require_POST
def match_reject(request, pk: int):
    return _match_action(
        request,
        pk,
        "achievements.review_match",
        lambda m, data: services.match_reject(m, acting_user=request.user, reason=data["reason"]),
        form=ReasonForm(request.POST, label=_("否决原因")),
        success=_("已否决该推荐。"),
    )


@login_required
@require_POST
def match_accept(request, pk: int):
    return _match_action(
        request,
        pk,
        "achievements.respond_match",
        lambda m, data: services.match_accept(m, acting_user=request.user),
        success=_("已接受对接，双方联系方式已交换，服务中心将协助跟进。"),
    )


@login_required
@require_POST
def match_decline(request, pk: int):
    return _match_action(
        request,
        pk,
        "achievements.respond_match",
        lambda m, data: services.match_decline(m, acting_user=request.user, reason=data["reason"]),
        form=ReasonForm(request.POST, required=False),
        success=_("已婉拒该推荐。"),
    )


@login_required
@require_POST
def match_bulk(request, pk: int):
    """Staff propose or reject the ticked suggestions of one demand at once; each row through
    the same transition as one click, each with its own result."""
    demand = get_object_or_404(Demand.objects.visible_to(request.user), pk=pk)
    require(request.user, "achievements.review_matches")
    propose = request.POST.get("action") == "propose"
    form = ProposeForm(request.POST) if propose else ReasonForm(request.POST, label=_("否决原因"))
    ids = [i for i in (parse_id(v) for v in request.POST.getlist("match")) if i is not None]
    if not ids:
        messages.error(request, _("请至少勾选一项推荐成果。"))
        return redirect("achievements:demand_detail", pk=demand.pk)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("achievements:demand_detail", pk=demand.pk)
    rows = list(
        Match.objects.visible_to(request.user)
        .filter(demand=demand, pk__in=ids[:BULK_MAX_ROWS])
        .select_related("demand", "achievement")
        .order_by("-score", "pk")
    )
    allowed = [m for m in rows if can(request.user, "achievements.review_match", m)]
    outcomes = services.matches_decide_bulk(
        allowed,
        acting_user=request.user,
        propose=propose,
        note=form.cleaned_data.get("note", ""),
        reason=form.cleaned_data.get("reason", ""),
    )
    refused = [m for m in rows if m not in allowed]
    missing = len(set(ids[:BULK_MAX_ROWS]) - {m.pk for m in rows})
    if missing:
        messages.error(
            request,
            _("%(n)d 项已不在该需求的推荐中（成果可能已被删除），未处理。") % {"n": missing},
        )
    for match in refused:
        messages.error(
            request,
            _("%(title)s：当前状态不能处理。") % {"title": match.achievement.title},
        )
    bulk_report(
        request,
        outcomes,
        label=lambda match: match.achievement.title,
        done=lambda n: (
            (_("已将 %(n)d 项成果推荐给企业。") if propose else _("已否决 %(n)d 项推荐。"))
            % {"n": n}
        ),
    )
    return redirect("achievements:demand_detail", pk=demand.pk)


# --- The matching vocabulary --------------------------------------------------------------------


class SynonymGroupListView(PermissionRequiredMixin, FilteredListView):
    permission_required = "achievements.manage_synonyms"
    template_name = "achievements/demands/synonym_list.html"
    filterset_class = SynonymGroupFilter
    paginate_by = 30
    sort_options = {
        "name": (gettext_lazy("概念名称"), ("name",)),
        "updated": (gettext_lazy("最近修改"), ("-updated_at", "name")),
    }

    def get_scoped_queryset(self):
        return synonym_groups()


@login_required
def synonym_group_edit(request, pk: int | None = None):
    require(request.user, "achievements.manage_synonyms")
    group = get_object_or_404(SynonymGroup, pk=pk) if pk else None
    form = SynonymGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.synonym_group_save(group, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("词库已保存，相关成果和需求将重新匹配。"))
            return redirect("achievements:synonym_list")
    return render(request, "achievements/demands/synonym_form.html", {"form": form, "group": group})


@login_required
def concept_links_edit(request, pk: int):
    """Staff place a concept in the concept graph: its industry and related concepts."""
    require(request.user, "achievements.manage_synonyms")
    group = get_object_or_404(SynonymGroup, pk=pk)
    form = ConceptLinksForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        concept_links_save(
            group,
            acting_user=request.user,
            industry=form.cleaned_data["industry"],
            related=list(form.cleaned_data["related"]),
        )
        messages.success(request, _("概念关联已保存，进行中的需求将重新匹配。"))
        return redirect("achievements:synonym_list")
    return render(
        request, "achievements/demands/concept_links_form.html", {"form": form, "group": group}
    )


# --- Inquiries ----------------------------------------------------------------------------------


class InquiryListView(PermissionRequiredMixin, FilteredListView):
    permission_required = "achievements.view_inquiries"
    template_name = "achievements/demands/inquiry_list.html"
    filterset_class = InquiryFilter
    sort_options = {"new": (gettext_lazy("最新提交"), ("-created_at", "-pk"))}

    def get_scoped_queryset(self):
        return inquiries_for(self.request.user)


@login_required
def inquiry_detail(request, pk: int):
    inquiry = get_object_or_404(inquiries_for(request.user), pk=pk)
    can_follow = can(request.user, "achievements.follow_up_inquiry", inquiry)
    form = InquiryFollowUpForm(request.POST or None) if can_follow else None
    if request.method == "POST":
        require(request.user, "achievements.follow_up_inquiry", inquiry)
        if form.is_valid():
            try:
                services.inquiry_follow_up(inquiry, acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _fail(request, error)
            else:
                messages.success(request, _("跟进情况已记录。"))
                return redirect("achievements:inquiry_detail", pk=inquiry.pk)
    # A reverse one-to-one that is missing raises an AttributeError subclass.
    entry = getattr(inquiry.achievement or inquiry.external, "showcase_entry", None)
    return render(
        request,
        "achievements/demands/inquiry_detail.html",
        {"inquiry": inquiry, "form": form, "entry": entry},
    )
