"""Pages of matchmaking events: staff plan and record them, enterprises register online."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kernel.lists import FilteredListView
from kernel.views import flash_form_errors
from kernel.wording import clause_separator
from towns.rules import can, require

from ..filters.events import EventFilter
from ..forms.events import EventCancelForm, EventForm, EventOutcomeForm, EventRegistrationForm
from ..models import EventOutcome, MatchmakingEvent
from ..selectors.events import (
    event_contract_amount,
    event_outcomes,
    event_registrations,
    events_for,
    events_held_count,
)
from ..services import events as services


def _visible_event(request, pk: int) -> MatchmakingEvent:
    return get_object_or_404(MatchmakingEvent.objects.visible_to(request.user), pk=pk)


class EventListView(PermissionRequiredMixin, FilteredListView):
    permission_required = "achievements.view_events"
    template_name = "achievements/events/event_list.html"
    filterset_class = EventFilter
    sort_options = {
        "date": (gettext_lazy("举办日期（近→远）"), ("-held_on", "-pk")),
        "upcoming": (gettext_lazy("举办日期（早→晚）"), ("held_on", "pk")),
    }

    def get_scoped_queryset(self):
        return events_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = timezone.localdate().year
        context.update(
            year=year,
            held_this_year=events_held_count(year),
            can_manage=can(self.request.user, "achievements.manage_events"),
        )
        return context


@login_required
def event_detail(request, pk: int):
    event = get_object_or_404(events_for(request.user), pk=pk)
    user = request.user
    registrations = list(event_registrations(event, user))
    mine = next((r for r in registrations if r.enterprise_id == user.enterprise_id), None)
    can_register = can(user, "achievements.register_event", event) and mine is None
    return render(
        request,
        "achievements/events/event_detail.html",
        {
            "event": event,
            "registrations": registrations,
            "my_registration": mine,
            "can_register": can_register,
            "can_manage": can(user, "achievements.manage_events"),
            "can_record": can(user, "achievements.record_event_outcome", event),
            "outcomes": list(event_outcomes(event)) if user.reads_everything else [],
            "contract_amount": event_contract_amount(event),
            "achievements": event.achievements.select_related("field"),
            "outcome_form": EventOutcomeForm(event=event),
            "cancel_form": EventCancelForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
def event_edit(request, pk: int | None = None):
    require(request.user, "achievements.manage_events")
    event = _visible_event(request, pk) if pk else None
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        fields, achievements = data.pop("fields"), data.pop("achievements")
        try:
            event = services.event_save(
                event, acting_user=request.user, fields=fields, achievements=achievements, **data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("活动已保存。"))
            return redirect("achievements:event_detail", pk=event.pk)
    return render(request, "achievements/events/event_form.html", {"form": form, "event": event})


@login_required
def event_register(request, pk: int):
    event = _visible_event(request, pk)
    require(request.user, "achievements.register_event", event)
    enterprise = request.user.enterprise
    form = EventRegistrationForm(
        request.POST or None,
        initial={
            "attendee_name": request.user.display_name,
            "attendee_phone": request.user.phone or enterprise.contact_phone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.event_register(
                event, acting_user=request.user, enterprise=enterprise, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("报名成功，请按时参会。"))
            return redirect("achievements:event_detail", pk=event.pk)
    return render(
        request, "achievements/events/event_register.html", {"form": form, "event": event}
    )


@login_required
@require_POST
def event_registration_cancel(request, pk: int):
    event = _visible_event(request, pk)
    registration = get_object_or_404(
        event.registrations, enterprise_id=request.user.enterprise_id or 0
    )
    try:
        services.event_registration_cancel(registration, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, clause_separator().join(error.messages))
    else:
        messages.success(request, _("已取消报名。"))
    return redirect("achievements:event_detail", pk=event.pk)


@login_required
@require_POST
def event_mark_held(request, pk: int):
    event = _visible_event(request, pk)
    require(request.user, "achievements.manage_events")
    try:
        services.event_mark_held(event, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, clause_separator().join(error.messages))
    else:
        messages.success(request, _("已确认活动举办，计入本年度对接会场次。"))
    return redirect("achievements:event_detail", pk=event.pk)


@login_required
@require_POST
def event_cancel(request, pk: int):
    event = _visible_event(request, pk)
    require(request.user, "achievements.manage_events")
    form = EventCancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写取消原因。"))
        services.event_cancel(event, acting_user=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, clause_separator().join(error.messages))
    else:
        messages.success(request, _("活动已取消，已通知报名企业。"))
    return redirect("achievements:event_detail", pk=event.pk)


@login_required
@require_POST
def event_outcome_add(request, pk: int):
    event = _visible_event(request, pk)
    require(request.user, "achievements.record_event_outcome", event)
    form = EventOutcomeForm(request.POST, event=event)
    if form.is_valid():
        try:
            services.event_outcome_record(event, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, clause_separator().join(error.messages))
        else:
            messages.success(request, _("成效已登记。"))
    else:
        flash_form_errors(request, form)
    return redirect("achievements:event_detail", pk=event.pk)


@login_required
@require_POST
def event_outcome_delete(request, pk: int):
    outcome = get_object_or_404(EventOutcome.objects.select_related("event"), pk=pk)
    require(request.user, "achievements.record_event_outcome", outcome.event)
    services.event_outcome_delete(outcome, acting_user=request.user)
    messages.success(request, _("已删除该条成效记录。"))
    return redirect("achievements:event_detail", pk=outcome.event_id)
