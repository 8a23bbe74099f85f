"""Pages of investor docking. Thin: permission, form, a service call, render/redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from achievements.selectors.discovery import contact_for
from kernel.lists import FilteredListView
from kernel.wording import clause_separator
from towns.rules import can, require

from . import selectors, services
from .choices import DockingStatus
from .filters import InterestFilter, OpportunityFilter
from .forms import (
    DockingArrangeForm,
    DockingInvestmentForm,
    DockingMeetingForm,
    DockingReasonForm,
    InterestForm,
)
from .models import Docking, InvestorInterest


def _form_errors(request, exc: ValidationError) -> None:
    messages.error(request, clause_separator().join(exc.messages))


# --- Achievements awaiting landing, for investors ------------------------------------------------


class OpportunityListView(FilteredListView):
    template_name = "investors/opportunity_list.html"
    filterset_class = OpportunityFilter
    sort_options = {
        "recent": (gettext_lazy("最近入库"), ("-service_entered_at", "-pk")),
        # Unfilled values last on both databases (PostgreSQL puts NULLs first in a descending sort).
        "funding": (
            gettext_lazy("融资需求（高→低）"),
            (F("funding_need").desc(nulls_last=True), "-pk"),
        ),
        "trl": (gettext_lazy("技术成熟度（高→低）"), (F("trl").desc(nulls_last=True), "-pk")),
    }

    def get_scoped_queryset(self):
        require(self.request.user, "investors.browse_opportunities")
        return selectors.opportunities_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        ids = [a.pk for a in page]
        summaries = selectors.evaluation_summaries(page)
        mine = selectors.institution_interest_ids(self.request.user, ids)
        counts = selectors.interest_counts(ids) if self.request.user.reads_everything else {}
        context["rows"] = [(a, summaries[a.pk], a.pk in mine, counts.get(a.pk, 0)) for a in page]
        return context


@login_required
def opportunity_detail(request, pk: int):
    require(request.user, "investors.browse_opportunities")
    achievement = get_object_or_404(selectors.opportunities_for(request.user), pk=pk)
    summary = selectors.evaluation_summaries([achievement])[achievement.pk]
    interest = None
    if selectors.is_approved_investor(request.user):
        interest = (
            InvestorInterest.objects.filter(
                institution_id=request.user.enterprise_id, achievement=achievement
            )
            .select_related("docking")
            .first()
        )
    interests = []
    if request.user.reads_everything:
        interests = list(
            selectors.interests_with_details(
                InvestorInterest.objects.filter(achievement=achievement)
            )
        )
    return render(
        request,
        "investors/opportunity_detail.html",
        {
            "achievement": achievement,
            "summary": summary,
            "contact": contact_for(achievement, request.user),
            "interest": interest,
            "interests": interests,
            "can_express": can(request.user, "investors.express_interest") and interest is None,
            "form": InterestForm(),
        },
    )


@login_required
@require_POST
def interest_express(request, pk: int):
    require(request.user, "investors.express_interest")
    achievement = get_object_or_404(selectors.opportunities_for(request.user), pk=pk)
    form = InterestForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, clause_separator().join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("investors:opportunity_detail", pk=pk)
    try:
        _interest, created = services.interest_express(
            acting_user=request.user, achievement=achievement, **form.cleaned_data
        )
    except ValidationError as exc:
        _form_errors(request, exc)
    else:
        if created:
            messages.success(request, _("已提交投资意向，服务中心将尽快安排对接。"))
        else:
            messages.info(request, _("本机构已对该成果表达过投资意向。"))
    return redirect("investors:opportunity_detail", pk=pk)


# --- Interests and dockings -----------------------------------------------------------------------


class InterestListView(FilteredListView):
    template_name = "investors/interest_list.html"
    filterset_class = InterestFilter
    sort_options = {"recent": (gettext_lazy("最近提交"), ("-created_at", "-pk"))}

    def get_scoped_queryset(self):
        require(self.request.user, "investors.view_interests")
        return selectors.interests_with_details(
            InvestorInterest.objects.visible_to(self.request.user)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = InvestorInterest.objects.visible_to(self.request.user)
        context["figures"] = selectors.docking_figures(scope)
        context["can_manage"] = can(self.request.user, "investors.manage_dockings")
        return context


@login_required
def docking_arrange(request, pk: int):
    require(request.user, "investors.manage_dockings")
    interest = get_object_or_404(
        selectors.interests_with_details(InvestorInterest.objects.visible_to(request.user)), pk=pk
    )
    form = DockingArrangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            docking = services.docking_arrange(
                interest=interest, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("已安排对接。"))
            return redirect("investors:docking_detail", pk=docking.pk)
    return render(request, "investors/docking_arrange.html", {"interest": interest, "form": form})


def _visible_docking(request, pk: int) -> Docking:
    docking = get_object_or_404(
        selectors.docking_with_details(Docking.objects.visible_to(request.user)), pk=pk
    )
    require(request.user, "investors.view_docking", docking)
    return docking


@login_required
def docking_detail(request, pk: int, forms: dict | None = None):
    docking = _visible_docking(request, pk)
    manage = can(request.user, "investors.manage_dockings")
    forms = forms or {}
    context = {
        "docking": docking,
        "history": selectors.docking_history(docking),
        "summary": selectors.evaluation_summaries([docking.interest.achievement])[
            docking.interest.achievement_id
        ],
        "can_manage": manage,
    }
    if manage and docking.status == DockingStatus.ARRANGED:
        context["meeting_form"] = forms.get("meeting") or DockingMeetingForm(docking=docking)
        context["cancel_form"] = forms.get("cancel") or DockingReasonForm(prefix="cancel")
    if manage and docking.status == DockingStatus.HELD:
        context["investment_form"] = forms.get("invest") or DockingInvestmentForm()
        context["close_form"] = forms.get("close") or DockingReasonForm(prefix="close")
    return render(request, "investors/docking_detail.html", context)


def _meeting(request, docking, form):
    return services.docking_record_meeting(docking, acting_user=request.user, **form.cleaned_data)


def _invest(request, docking, form):
    return services.docking_record_investment(
        docking, acting_user=request.user, **form.cleaned_data
    )


def _close(request, docking, form):
    return services.docking_close(docking, acting_user=request.user, **form.cleaned_data)


def _cancel(request, docking, form):
    return services.docking_cancel(docking, acting_user=request.user, **form.cleaned_data)


# action -> (form factory from POST data, service call, success message)
DOCKING_ACTIONS = {
    "meeting": (lambda data, d: DockingMeetingForm(data, docking=d), _meeting),
    "invest": (lambda data, d: DockingInvestmentForm(data), _invest),
    "close": (lambda data, d: DockingReasonForm(data, prefix="close"), _close),
    "cancel": (lambda data, d: DockingReasonForm(data, prefix="cancel"), _cancel),
}
DOCKING_MESSAGES = {
    "meeting": gettext_lazy("已记录对接结果。"),
    "invest": gettext_lazy("已登记投资，并计入创投融资台账。"),
    "close": gettext_lazy("已记录：未达成投资。"),
    "cancel": gettext_lazy("已取消对接。"),
}


@login_required
@require_POST
def docking_transition(request, pk: int, action: str):
    """Record the meeting, the investment, no deal or the cancellation (staff)."""
    docking = _visible_docking(request, pk)
    if not can(request.user, "investors.manage_dockings"):
        raise PermissionDenied
    make_form, call = DOCKING_ACTIONS[action]
    form = make_form(request.POST, docking)
    if form.is_valid():
        try:
            call(request, docking, form)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                # Not about a field (the docking moved on meanwhile): say why on its page.
                _form_errors(request, exc)
                return redirect("investors:docking_detail", pk=docking.pk)
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, str(DOCKING_MESSAGES[action]))
            return redirect("investors:docking_detail", pk=docking.pk)
    return docking_detail(request, pk, forms={action: form})
