"""Pages of the service library: the case list, my cases, one case, assignment, follow-ups,
milestone plans and the escalation list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kernel.limits import BULK_MAX_ROWS
from kernel.lists import FilteredListView
from kernel.parsing import parse_id
from kernel.tables import page_columns, table_sheet
from kernel.views import flash_form_errors, flash_service_errors, require_perm, submit_form
from kernel.wording import list_separator
from towns.bulk import bulk_apply, bulk_report

from .. import tables
from ..choices import AchievementStatus, EscalationTier
from ..filters.service import EscalationFilter, ServiceCaseFilter
from ..forms.service import (
    AssignForm,
    BulkAssignForm,
    EscalationHandleForm,
    EscalationInstructForm,
    FollowUpForm,
    MilestonePlanForm,
)
from ..models import FollowUp, Milestone
from ..selectors import service as selectors
from ..selectors.discovery import contact_for
from ..services import service as services
from .cards import MAIN, DetailCard, register_card


def _case(request, pk):
    """A service-library case this user may open; anyone else gets a 404."""
    return get_object_or_404(selectors.service_case_list(request.user), pk=pk)


def _case_url(case) -> str:
    return reverse("achievements:service_case_detail", args=[case.pk])


def _open_case(request, pk, perm: str):
    case = _case(request, pk)
    require_perm(request.user, perm, case)
    if case.status != AchievementStatus.SERVICE:
        raise PermissionDenied
    return case


class CaseRows:
    """Decorates each case of a page with its responsible person and next follow-up; the table's
    columns are the export's (less `hidden_columns`)."""

    hidden_columns: tuple = ()

    def decorate(self, cases):
        today = timezone.localdate()
        for case in cases:
            case.assignee = selectors.case_assignee(case)
            case.follow_up_due = selectors.next_follow_up_due(case, today=today)
            case.stalled = selectors.is_stalled(case, today=today)
        return cases

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.decorate(context["page_obj"].object_list)
        context["stalled_days"] = selectors.stalled_cutoff(timezone.localdate())
        context["columns"] = page_columns(tables.SERVICE_CASE_COLUMNS, without=self.hidden_columns)
        return context


class ServiceCaseListView(CaseRows, FilteredListView):
    template_name = "achievements/service/case_list.html"
    filterset_class = ServiceCaseFilter
    export_filename = "成果服务库.xlsx"
    sort_options = {
        "newest": (gettext_lazy("最新入库"), ("-service_entered_at", "-id")),
        "contribution": (gettext_lazy("预期经济贡献"), ("-expected_contribution", "-id")),
        "progress": (gettext_lazy("最久无进展"), ("last_progress_on", "id")),
    }

    def get_scoped_queryset(self):
        if self.request.user.role not in selectors.CASE_READER_ROLES:
            raise Http404
        return selectors.service_case_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("achievements.assign_case"):
            context["bulk_assign_form"] = BulkAssignForm(auto_id="bulk_%s")
        return context

    def export_sheet(self, queryset):
        return table_sheet(
            _("成果服务库"), tables.SERVICE_CASE_COLUMNS, self.decorate(list(queryset))
        )


class MyCasesView(CaseRows, FilteredListView):
    template_name = "achievements/service/my_cases.html"
    filterset_class = ServiceCaseFilter
    hidden_columns = (tables.CASE_ASSIGNEE,)  # all the reader's own
    sort_options = {
        "due": (
            gettext_lazy("待跟踪优先"),
            (F("last_follow_up_period").asc(nulls_first=True), "id"),
        ),
        "newest": (gettext_lazy("最新入库"), ("-service_entered_at", "-id")),
    }

    def get_scoped_queryset(self):
        return selectors.my_cases(self.request.user)


@login_required
def case_detail(request, pk):
    case = _case(request, pk)
    user = request.user
    today = timezone.localdate()
    case.assignee = selectors.case_assignee(case)
    is_open = case.status == AchievementStatus.SERVICE
    milestones = list(selectors.case_milestones(case))
    return render(
        request,
        "achievements/service/case_detail.html",
        {
            "case": case,
            "achievement": case,
            "assignments": selectors.case_assignments(case),
            "follow_ups": selectors.case_follow_ups(case),
            "milestones": milestones,
            "escalations": selectors.case_escalations(case),
            "open_flags": selectors.case_open_flags(case),
            "reminders": selectors.case_reminders(case),
            "list_separator": list_separator(),
            "follow_up_due": selectors.next_follow_up_due(case, today=today),
            "stalled": selectors.is_stalled(case, today=today),
            "stalled_after_days": (today - selectors.stalled_cutoff(today)).days,
            "today": today,
            # Personal contact data: the one contact rule (masked unless `view_contact`).
            "contact": contact_for(case, user),
            "can_assign": is_open and user.has_perm("achievements.assign_case", case),
            "can_follow_up": is_open and user.has_perm("achievements.follow_up_case", case),
            "can_plan": is_open and user.has_perm("achievements.plan_case", case),
        },
    )


@login_required
def case_assign(request, pk):
    case = _open_case(request, pk, "achievements.assign_case")
    form = AssignForm(request.POST or None, assignees=selectors.eligible_assignees(case))
    return submit_form(
        request,
        form,
        lambda data: services.assignment_assign(achievement=case, acting_user=request.user, **data),
        done=lambda assignment: (
            _("已将“%(title)s”分配给 %(name)s。")
            % {"title": case.title, "name": assignment.assignee.display_name}
        ),
        then=_case_url(case),
    ) or render(
        request,
        "achievements/service/assign_form.html",
        {"case": case, "form": form, "current": selectors.current_assignment(case)},
    )


def _bulk_back(request) -> str:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("achievements:service_case_list")
    return back


def _bulk_cases(request) -> list:
    """The ticked cases this person may read (at most BULK_MAX_ROWS), in a stable order."""
    ids = [i for i in (parse_id(v) for v in request.POST.getlist("case")) if i is not None]
    return list(
        selectors.service_cases_visible_to(request.user)
        .filter(pk__in=ids[:BULK_MAX_ROWS])
        .order_by("pk")
    )


@login_required
@require_POST
def case_bulk_assign(request):
    """Staff give several cases to one member of staff at once: each case through the same
    `assignment_assign` as on its own page, each with its own result."""
    require_perm(request.user, "achievements.assign_case")
    back = _bulk_back(request)
    form = BulkAssignForm(request.POST)
    cases = _bulk_cases(request)
    if not cases:
        messages.error(request, _("请至少勾选一项成果。"))
        return redirect(back)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(back)
    outcomes = bulk_apply(
        cases,
        lambda case: services.assignment_assign(
            achievement=case,
            assignee=form.cleaned_data["assignee"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
        ),
    )
    bulk_report(
        request,
        outcomes,
        label=lambda case: case.title,
        done=lambda n: (
            _("已将 %(n)d 项成果分配给 %(name)s。")
            % {"n": n, "name": form.cleaned_data["assignee"].display_name}
        ),
    )
    return redirect(back)


@login_required
@require_POST
def case_bulk_remind(request):
    """Staff remind the responsible persons of several cases to follow them up (催办): each case
    through `follow_up_remind`, as on its own page, each with its own result."""
    require_perm(request.user, "achievements.assign_case")
    back = _bulk_back(request)
    cases = _bulk_cases(request)
    if not cases:
        messages.error(request, _("请至少勾选一项成果。"))
        return redirect(back)
    outcomes = bulk_apply(
        cases,
        lambda case: services.follow_up_remind(achievement=case, acting_user=request.user),
    )
    bulk_report(
        request,
        outcomes,
        label=lambda case: case.title,
        done=lambda n: _("已提醒 %(n)d 项成果的责任人跟进。") % {"n": n},
    )
    return redirect(back)


@login_required
@require_POST
def case_remind(request, pk):
    """One case's 催办 button on its own page."""
    case = _open_case(request, pk, "achievements.assign_case")
    try:
        services.follow_up_remind(achievement=case, acting_user=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("已提醒责任人跟进。"))
    return redirect("achievements:service_case_detail", pk)


@login_required
def follow_up_create(request, pk):
    case = _open_case(request, pk, "achievements.follow_up_case")
    form = FollowUpForm(request.POST or None)
    return submit_form(
        request,
        form,
        lambda data: services.follow_up_record(achievement=case, acting_user=request.user, **data),
        done=_("月度跟踪记录已保存。"),
        then=_case_url(case),
    ) or render(request, "achievements/service/follow_up_form.html", {"case": case, "form": form})


@login_required
def follow_up_edit(request, pk, follow_up_pk):
    case = _open_case(request, pk, "achievements.follow_up_case")
    follow_up = get_object_or_404(FollowUp, achievement=case, pk=follow_up_pk)
    form = FollowUpForm(request.POST or None, instance=follow_up)
    return submit_form(
        request,
        form,
        lambda data: services.follow_up_update(
            follow_up=follow_up,
            acting_user=request.user,
            **{name: value for name, value in data.items() if name != "followed_on"},
        ),
        done=_("月度跟踪记录已修改。"),
        then=_case_url(case),
    ) or render(
        request,
        "achievements/service/follow_up_form.html",
        {"case": case, "form": form, "follow_up": follow_up},
    )


@login_required
def milestone_plan(request, pk):
    case = _open_case(request, pk, "achievements.plan_case")
    templates = selectors.milestone_templates()
    form = MilestonePlanForm(request.POST or None, templates=templates)
    return submit_form(
        request,
        form,
        lambda data: services.milestone_plan_apply(
            achievement=case, acting_user=request.user, **data
        ),
        done=_("里程碑计划已生成。"),
        then=_case_url(case),
    ) or render(
        request,
        "achievements/service/milestone_plan_form.html",
        {"case": case, "form": form, "templates": templates},
    )


@login_required
@require_POST
def milestone_done(request, pk, milestone_pk):
    case = _open_case(request, pk, "achievements.plan_case")
    milestone = get_object_or_404(Milestone, achievement=case, pk=milestone_pk)
    try:
        services.milestone_complete(milestone=milestone, acting_user=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("里程碑“%(title)s”已完成。") % {"title": milestone.title})
    return redirect("achievements:service_case_detail", case.pk)


class EscalationListView(FilteredListView):
    template_name = "achievements/service/escalation_list.html"
    filterset_class = EscalationFilter
    export_filename = "久推不动报送清单.xlsx"
    sort_options = {
        "newest": (gettext_lazy("最新报送"), ("-escalated_at", "-id")),
        "oldest_progress": (gettext_lazy("最久无进展"), ("last_progress_on", "id")),
    }

    def get_scoped_queryset(self):
        if self.request.user.role not in selectors.CASE_READER_ROLES:
            raise Http404
        return selectors.escalations_visible_to(self.request.user)

    def get_queryset(self):
        queryset = super().get_queryset()
        # Open escalations unless the filter asks otherwise.
        if not self.request.GET.get("state"):
            queryset = queryset.filter(resolved_at__isnull=True)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = page_columns(tables.ESCALATION_COLUMNS)
        counts = selectors.escalation_counts(self.request.user)
        context["tiers"] = [(tier, label, counts[tier]) for tier, label in EscalationTier.choices]
        context["current_tier"] = self.request.GET.get("tier", "")
        context["open_total"] = sum(counts.values())
        return context

    def export_sheet(self, queryset):
        return table_sheet(_("久推不动报送清单"), tables.ESCALATION_COLUMNS, queryset)


def _escalation(request, pk):
    """An escalation this user may read (404 for everyone else)."""
    escalation = selectors.escalation_detail(request.user, pk)
    if escalation is None:
        raise Http404
    return escalation


def _render_escalation(request, escalation, *, instruct_form=None, handle_form=None):
    can_act = escalation.is_open and request.user.has_perm(
        "achievements.act_on_escalation", escalation
    )
    assignments = escalation.achievement.current_assignments
    return render(
        request,
        "achievements/service/escalation_detail.html",
        {
            "escalation": escalation,
            "case": escalation.achievement,
            "assignee": assignments[0].assignee if assignments else None,
            "days": (timezone.localdate() - escalation.last_progress_on).days,
            "can_act": can_act,
            "instruct_form": instruct_form or EscalationInstructForm(),
            "handle_form": handle_form or EscalationHandleForm(),
        },
    )


@login_required
def escalation_detail(request, pk):
    return _render_escalation(request, _escalation(request, pk))


def _act_on_escalation(request, pk, form_class, action, *, done, form_name):
    escalation = _escalation(request, pk)
    require_perm(request.user, "achievements.act_on_escalation", escalation)
    form = form_class(request.POST)
    return submit_form(
        request,
        form,
        lambda data: action(escalation=escalation, acting_user=request.user, **data),
        done=done,
        then=reverse("achievements:service_escalation_detail", args=[escalation.pk]),
    ) or _render_escalation(request, escalation, **{form_name: form})


@login_required
@require_POST
def escalation_instruct(request, pk):
    return _act_on_escalation(
        request,
        pk,
        EscalationInstructForm,
        services.escalation_instruct,
        done=_("批示已记录，已通知责任人。"),
        form_name="instruct_form",
    )


@login_required
@require_POST
def escalation_handle(request, pk):
    return _act_on_escalation(
        request,
        pk,
        EscalationHandleForm,
        services.escalation_handle,
        done=_("已办结。"),
        form_name="handle_form",
    )


def _service_card(request, achievement):
    return {} if achievement.in_service_library else None


# The service-library summary (responsible person, next follow-up) on the detail page.
register_card(DetailCard("service", "achievements/service/_panel.html", 120, MAIN, _service_card))
