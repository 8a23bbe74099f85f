"""Pages of the evaluation app: thin — permission, form, service, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from achievements.choices import DISCOVERED_STATUSES, AchievementStatus
from achievements.models import Achievement
from kernel.lists import FilteredListView
from kernel.parsing import parse_id
from kernel.uploads import protected_file_response
from kernel.views import (
    add_service_errors,
    flash_service_errors,
    require_perm,
    submit_form,
)

from . import selectors, services
from .choices import VALUATION_OPEN_STATUSES, BatchStatus
from .filters import (
    BatchFilter,
    EligibleAchievementFilter,
    FastTrackReviewFilter,
    RecommendationFilter,
    ValuationFilter,
)
from .forms import (
    AchievementPicker,
    AddAchievementsForm,
    BatchForm,
    ConfirmForm,
    CriteriaForm,
    FastTrackCompleteForm,
    FastTrackOpenForm,
    RecommendationForm,
    ScoreForm,
    ValuationCancelForm,
    ValuationCompleteForm,
    ValuationRequestForm,
)
from .models import Batch, BatchItem, Score

ITEMS_PER_PAGE = 50


def _batch(request, pk) -> Batch:
    return get_object_or_404(Batch.objects.visible_to(request.user), pk=pk)


def _item(request, batch: Batch, item_pk) -> BatchItem:
    return get_object_or_404(
        BatchItem.objects.visible_to(request.user).select_related("achievement"),
        batch=batch,
        pk=item_pk,
    )


# --- Batches ------------------------------------------------------------------------------------


class BatchListView(FilteredListView):
    template_name = "evaluation/batch_list.html"
    filterset_class = BatchFilter
    sort_options = {
        "newest": (gettext_lazy("最新创建"), ("-created_at", "-id")),
        "year": (gettext_lazy("年度"), ("-year", "name")),
    }

    def get_scoped_queryset(self):
        return selectors.batch_list(self.request.user)


@login_required
def batch_create(request):
    require_perm(request.user, "evaluation.manage_batch")
    form = BatchForm(request.POST or None)
    return submit_form(
        request,
        form,
        lambda data: services.batch_create(acting_user=request.user, **data),
        done=_("评价批次已创建，请添加参评成果。"),
        then=lambda batch: reverse("evaluation:batch_detail", args=[batch.pk]),
    ) or render(request, "evaluation/batch_form.html", {"form": form})


@login_required
def batch_edit(request, pk):
    batch = _batch(request, pk)
    require_perm(request.user, "evaluation.manage_batch", batch)
    form = BatchForm(request.POST or None, instance=batch)
    return submit_form(
        request,
        form,
        lambda data: services.batch_update(
            batch=batch,
            acting_user=request.user,
            **{name: data[name] for name in BatchForm.Meta.fields if name != "year"},
        ),
        done=_("评价批次已保存。"),
        then=reverse("evaluation:batch_detail", args=[batch.pk]),
    ) or render(request, "evaluation/batch_form.html", {"form": form, "batch": batch})


@login_required
def batch_detail(request, pk):
    batch = _batch(request, pk)
    if request.headers.get("HX-Request") and request.GET.get("poll"):
        # The selection task has finished: reload the page to show its result.
        if batch.status != BatchStatus.SELECTING:
            response = HttpResponse()
            response["HX-Refresh"] = "true"
            return response
        return render(request, "evaluation/batch_detail.html#selecting", {"batch": batch})
    user = request.user
    page = Paginator(selectors.batch_items(batch, user=user), ITEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    can_score = user.has_perm("evaluation.score_batch", batch)
    progress = selectors.evaluator_progress(batch)
    return render(
        request,
        "evaluation/batch_detail.html",
        {
            "batch": batch,
            "page_obj": page,
            "criteria": selectors.criteria_overview(batch),
            "progress": progress,
            "has_scores": any(p.scored for p in progress),
            "can_manage": user.has_perm("evaluation.manage_batch", batch),
            "can_score": can_score,
            "next_item": selectors.next_unscored_item(batch, user=user) if can_score else None,
        },
    )


@login_required
def batch_criteria(request, pk):
    batch = _batch(request, pk)
    require_perm(request.user, "evaluation.manage_batch", batch)
    form = CriteriaForm(request.POST or None, batch=batch)
    if Score.objects.filter(item__batch=batch).exists():
        # Once someone scored, the rules stay as they were (the service refuses too).
        for field in form.fields.values():
            field.disabled = True
        form.locked = True
    return submit_form(
        request,
        form,
        lambda data: services.batch_set_criteria(
            batch=batch, acting_user=request.user, weights=form.weights, items=form.items
        ),
        done=_("评分细则已保存。"),
        then=reverse("evaluation:batch_detail", args=[batch.pk]),
    ) or render(request, "evaluation/batch_criteria.html", {"batch": batch, "form": form})


@login_required
def batch_add_items(request, pk):
    batch = _batch(request, pk)
    require_perm(request.user, "evaluation.manage_batch", batch)
    eligible = selectors.eligible_for_batch(batch)
    filterset = EligibleAchievementFilter(request.GET or None, queryset=eligible, request=request)
    rows = (filterset.qs if filterset.is_bound else eligible).order_by("-submitted_at", "-pk")
    form = AddAchievementsForm(request.POST or None, eligible=eligible)
    more = "more" in request.POST
    return submit_form(
        request,
        form,
        lambda data: services.batch_add_achievements(
            batch=batch, achievements=data["achievements"], acting_user=request.user
        ),
        done=lambda added: _("已添加 %(n)d 项成果。") % {"n": added},
        then=request.get_full_path() if more else reverse("evaluation:batch_detail", args=[pk]),
    ) or render(
        request,
        "evaluation/batch_add_items.html",
        {
            "batch": batch,
            "form": form,
            "filterset": filterset,
            "page_obj": Paginator(rows, ITEMS_PER_PAGE).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_POST
def batch_item_remove(request, pk, item_pk):
    batch = _batch(request, pk)
    require_perm(request.user, "evaluation.manage_batch", batch)
    item = _item(request, batch, item_pk)
    try:
        services.batch_item_remove(item=item, acting_user=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("已将“%(title)s”移出本批次。") % {"title": item.achievement})
    return redirect("evaluation:batch_detail", batch.pk)


@login_required
def score_item(request, pk, item_pk):
    batch = _batch(request, pk)
    require_perm(request.user, "evaluation.score_batch", batch)
    item = _item(request, batch, item_pk)
    score = item.scores.filter(evaluator=request.user).prefetch_related("sub_scores").first()
    form = ScoreForm(request.POST or None, batch=batch, score=score)
    if not batch.is_scoring:
        for field in form.fields.values():
            field.disabled = True

    def following(_score):
        """The next achievement this evaluator has not scored, else the batch."""
        nxt = selectors.next_unscored_item(batch, user=request.user, after=item)
        if nxt is None:
            return reverse("evaluation:batch_detail", args=[batch.pk])
        return reverse("evaluation:score_item", args=[batch.pk, nxt.pk])

    return submit_form(
        request,
        form,
        lambda data: services.score_submit(
            item=item,
            acting_user=request.user,
            values=form.values,
            haves=data["haves"],
            comment=data["comment"],
        ),
        done=_("已保存对“%(title)s”的评分。") % {"title": item.achievement},
        then=following,
    ) or render(
        request,
        "evaluation/score_form.html",
        {
            "batch": batch,
            "item": item,
            "achievement": item.achievement,
            "form": form,
            "score": score,
        },
    )


@login_required
def batch_item_detail(request, pk, item_pk):
    batch = _batch(request, pk)
    require_perm(request.user, "evaluation.view_scores", batch)
    item = _item(request, batch, item_pk)
    return render(
        request,
        "evaluation/batch_item_detail.html",
        {
            "batch": batch,
            "item": item,
            "achievement": item.achievement,
            "scores": selectors.item_scores(item, user=request.user),
            "criteria": selectors.criteria_overview(batch),
        },
    )


def _batch_step(request, pk, step, done: str):
    """A staff button on the batch page: run the step, say how it went, back to the batch."""
    batch = _batch(request, pk)
    require_perm(request.user, "evaluation.manage_batch", batch)
    try:
        step(batch=batch, acting_user=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, done)
    return redirect("evaluation:batch_detail", batch.pk)


@login_required
@require_POST
def batch_select(request, pk):
    return _batch_step(request, pk, services.batch_request_selection, _("已发起遴选计算。"))


@login_required
@require_POST
def batch_reopen(request, pk):
    return _batch_step(request, pk, services.batch_reopen, _("已重新开放评分，拟入选名单已清除。"))


@login_required
def batch_confirm(request, pk):
    batch = _batch(request, pk)
    require_perm(request.user, "evaluation.manage_batch", batch)
    if batch.status != BatchStatus.PROPOSED:
        messages.info(request, _("本批次当前状态为“%(s)s”。") % {"s": batch.get_status_display()})
        return redirect("evaluation:batch_detail", batch.pk)
    items = list(batch.items.select_related("achievement__discovering_unit", "achievement__field"))
    reasons = {item.pk: selectors.default_reason(item, batch.threshold) for item in items}
    form = ConfirmForm(request.POST or None, items=items, default_reasons=reasons)
    return submit_form(
        request,
        form,
        lambda data: services.batch_confirm(
            batch=batch, acting_user=request.user, decisions=form.decisions
        ),
        done=lambda _batch: (
            _("已确认：%(n)d 项成果进入服务库，其余保留在发现库并告知联络员。")
            % {"n": sum(1 for chosen, _reason in form.decisions.values() if chosen)}
        ),
        then=reverse("evaluation:batch_detail", args=[batch.pk]),
    ) or render(request, "evaluation/batch_confirm.html", {"batch": batch, "form": form})


# --- One achievement ----------------------------------------------------------------------------


@login_required
def achievement_evaluation(request, pk):
    achievement = get_object_or_404(
        Achievement.objects.visible_to(request.user).select_related("discovering_unit", "field"),
        pk=pk,
    )
    return render(request, "evaluation/achievement_evaluation.html", {"achievement": achievement})


# --- Direct recommendation ----------------------------------------------------------------------


class RecommendationListView(FilteredListView):
    template_name = "evaluation/recommendation_list.html"
    filterset_class = RecommendationFilter
    sort_options = {
        "newest": (gettext_lazy("最新登记"), ("-created_at", "-id")),
        "letter": (gettext_lazy("推荐函日期"), ("-letter_date", "-id")),
    }

    def get_scoped_queryset(self):
        return selectors.recommendation_list(self.request.user)


# What each picker is for: the permission it needs and the statuses it offers.
PICK_PURPOSES = {
    "recommendation": ("evaluation.recommend", [AchievementStatus.SUBMITTED]),
    "review": ("evaluation.manage_review", services.FAST_TRACK_STATUSES),
    "valuation": (
        "evaluation.manage_valuation",
        sorted(DISCOVERED_STATUSES),
    ),
}


def _pick_search(request, purpose: str, params):
    statuses = PICK_PURPOSES[purpose][1]
    query = params.get("q", "").strip()
    page_obj, chosen = selectors.achievement_pick_page(
        request.user,
        statuses=statuses,
        query=query,
        page=params.get("page", 1),
        selected=parse_id(params.get("achievement")),
    )
    return query, page_obj, chosen


@login_required
def achievement_picker(request, purpose: str):
    """The picker's search results (an htmx fragment): a page of the achievements the user may
    pick for this purpose, the picked one first."""
    if purpose not in PICK_PURPOSES:
        raise Http404
    require_perm(request.user, PICK_PURPOSES[purpose][0])
    query, page_obj, chosen = _pick_search(request, purpose, request.GET)
    return render(
        request,
        "evaluation/_picker_results.html",
        {
            "page_obj": page_obj,
            "chosen": chosen,
            "query": query,
            "search_url": reverse("evaluation:achievement_picker", args=[purpose]),
            "widget": {"name": "achievement"},
        },
    )


def _pick_page(request, form_class, *, purpose, action, done, then, page, initial=None):
    """A form about one achievement, picked with the search-as-you-type picker (recommendation,
    fast-track review, valuation)."""
    params = request.POST if request.method == "POST" else request.GET
    query, page_obj, chosen = _pick_search(request, purpose, params)
    picker = AchievementPicker(
        search_url=reverse("evaluation:achievement_picker", args=[purpose]),
        page_obj=page_obj,
        chosen=chosen,
        query=query,
    )
    form = form_class(
        request.POST or None,
        request.FILES or None,
        achievements=selectors.pickable_achievements(
            request.user, statuses=PICK_PURPOSES[purpose][1]
        ),
        picker=picker,
        initial={"achievement": chosen.pk if chosen else None, **(initial or {})},
    )
    return submit_form(
        request,
        form,
        lambda data: action(acting_user=request.user, **data),
        done=done,
        then=then,
    ) or render(request, "evaluation/pick_form.html", {"form": form, "query": query, **page})


@login_required
def recommendation_create(request):
    require_perm(request.user, "evaluation.recommend")
    return _pick_page(
        request,
        RecommendationForm,
        purpose="recommendation",
        action=services.recommendation_create,
        done=_("已登记重点入库推荐，成果已进入服务库。"),
        then=reverse("evaluation:recommendation_list"),
        page={
            "title": _("登记重点入库推荐"),
            "intro": _(
                "科研院所或龙头链主企业出具书面推荐函的成果，无需评分，直接进入成果服务库。"
            ),
            "submit": _("登记并入库"),
            "back": reverse("evaluation:recommendation_list"),
        },
    )


@login_required
def recommendation_letter(request, pk):
    recommendation = get_object_or_404(selectors.recommendation_list(request.user), pk=pk)
    return protected_file_response(recommendation.letter)


# --- Fast-track review --------------------------------------------------------------------------


class ReviewListView(FilteredListView):
    template_name = "evaluation/review_list.html"
    filterset_class = FastTrackReviewFilter
    sort_options = {
        "due": (gettext_lazy("应完成日期"), ("-status", "due_on", "id")),
        "newest": (gettext_lazy("最新启动"), ("-opened_on", "-id")),
    }

    def get_scoped_queryset(self):
        return selectors.review_list(self.request.user)


@login_required
def review_create(request):
    require_perm(request.user, "evaluation.manage_review")
    return _pick_page(
        request,
        FastTrackOpenForm,
        purpose="review",
        action=services.fast_track_review_open,
        initial={"reviewer": request.user.pk},
        done=lambda review: (
            _("已启动快速落地评价，应于 %(due)s 前出具意见。")
            % {"due": f"{review.due_on:%Y-%m-%d}"}
        ),
        then=lambda review: reverse("evaluation:review_detail", args=[review.pk]),
        page={
            "title": _("启动快速落地评价"),
            "intro": _(
                "对高价值成果，自启动之日起一周内就配套政策、落地载体和落地形式提出具体、量化的建议。"
            ),
            "submit": _("启动评价"),
            "back": reverse("evaluation:review_list"),
        },
    )


@login_required
def review_detail(request, pk):
    review = get_object_or_404(selectors.review_list(request.user), pk=pk)
    can_complete = review.is_open and request.user.has_perm("evaluation.manage_review", review)
    form = FastTrackCompleteForm(request.POST or None, instance=review) if can_complete else None
    if request.method == "POST":
        if not can_complete:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.fast_track_review_complete(
                    review=review,
                    acting_user=request.user,
                    **{name: form.cleaned_data[name] for name in FastTrackCompleteForm.Meta.fields},
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("快速落地评价意见已出具。"))
                return redirect("evaluation:review_detail", review.pk)
    return render(
        request,
        "evaluation/review_detail.html",
        {"review": review, "form": form, "achievement": review.achievement},
    )


# --- Valuation ----------------------------------------------------------------------------------


class ValuationListView(FilteredListView):
    template_name = "evaluation/valuation_list.html"
    filterset_class = ValuationFilter
    sort_options = {
        "newest": (gettext_lazy("最新委托"), ("-requested_on", "-id")),
        "value": (gettext_lazy("评估价值"), (F("value").desc(nulls_last=True), "-id")),
    }

    def get_scoped_queryset(self):
        return selectors.valuation_list(self.request.user)


@login_required
def valuation_create(request):
    require_perm(request.user, "evaluation.manage_valuation")
    return _pick_page(
        request,
        ValuationRequestForm,
        purpose="valuation",
        action=services.valuation_request,
        done=_("已登记评估委托。"),
        then=lambda valuation: reverse("evaluation:valuation_detail", args=[valuation.pk]),
        page={
            "title": _("委托公允价值评价"),
            "intro": _(
                "对可快速交易的成果，委托权威评估机构出具评估报告，报告免费提供给交易双方。"
            ),
            "submit": _("登记委托"),
            "back": reverse("evaluation:valuation_list"),
        },
    )


@login_required
def valuation_detail(request, pk):
    valuation = get_object_or_404(selectors.valuation_list(request.user), pk=pk)
    can_manage = request.user.has_perm("evaluation.manage_valuation", valuation) and (
        valuation.status in VALUATION_OPEN_STATUSES
    )
    complete_form = cancel_form = None
    if can_manage:
        action = request.POST.get("action") if request.method == "POST" else None
        complete_form = ValuationCompleteForm(
            request.POST if action == "complete" else None,
            request.FILES if action == "complete" else None,
        )
        cancel_form = ValuationCancelForm(request.POST if action == "cancel" else None)
        try:
            if action == "start":
                services.valuation_start(valuation=valuation, acting_user=request.user)
                messages.success(request, _("已标记为评估中。"))
                return redirect("evaluation:valuation_detail", valuation.pk)
            if action == "complete" and complete_form.is_valid():
                services.valuation_complete(
                    valuation=valuation, acting_user=request.user, **complete_form.cleaned_data
                )
                messages.success(request, _("评估报告已登记。"))
                return redirect("evaluation:valuation_detail", valuation.pk)
            if action == "cancel" and cancel_form.is_valid():
                services.valuation_cancel(
                    valuation=valuation,
                    acting_user=request.user,
                    reason=cancel_form.cleaned_data["cancel_reason"],
                )
                messages.success(request, _("委托已撤销。"))
                return redirect("evaluation:valuation_detail", valuation.pk)
        except ValidationError as error:
            add_service_errors(complete_form if action == "complete" else cancel_form, error)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "evaluation/valuation_detail.html",
        {
            "valuation": valuation,
            "achievement": valuation.achievement,
            "can_manage": can_manage,
            "complete_form": complete_form,
            "cancel_form": cancel_form,
        },
    )


@login_required
def valuation_report(request, pk):
    valuation = get_object_or_404(
        selectors.valuation_list(request.user).filter(~Q(report="")), pk=pk
    )
    return protected_file_response(valuation.report)
