"""Pages of landing: the landing card on the achievement's page, evidence forms, verification,
the economic contribution, and the list of landings (work queue of proposed landings)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kernel.lists import FilteredListView
from kernel.money import format_yuan
from kernel.tables import page_columns
from kernel.uploads import protected_file_response
from kernel.views import flash_service_errors, require_perm, submit_form
from kernel.wording import clause_separator
from towns.models import Division
from towns.policy import policy_value

from ..choices import CreditBasis, EvidenceKind, LandingState
from ..excel.landing import landing_sheet
from ..filters.landing import LandingFilter
from ..forms.landing import ContributionForm, EvidenceForm, RevokeForm, VerifyForm
from ..models import Achievement, LandingEvidence
from ..selectors import landing as selectors
from ..services import landing as services
from ..tables import LANDING_COLUMNS
from .cards import MAIN, DetailCard, register_card


def _achievement(request, pk: int, perm: str = "achievements.view_landing") -> Achievement:
    """An achievement this user may see (else 404) and whose landing they may read (else 403)."""
    achievement = get_object_or_404(
        Achievement.objects.visible_to(request.user).select_related("discovering_unit", "field"),
        pk=pk,
    )
    require_perm(request.user, perm, achievement)
    return achievement


def _landing_url(achievement) -> str:
    return reverse("achievements:achievement_detail", args=[achievement.pk]) + "#landing"


# --- The card on the achievement's page ---------------------------------------------------------


def landing_card_context(request, achievement) -> dict | None:
    user = request.user
    if not user.has_perm("achievements.view_landing", achievement):
        return None
    landing = selectors.landing_of(achievement)
    evidence = selectors.evidence_of(achievement)
    check = selectors.landing_check_of(achievement.kind, evidence)
    landed = bool(landing and landing.is_landed)
    for item in evidence:
        item.problems = check.problems.get(item.pk, [])
        item.spec = selectors.EVIDENCE_SPECS[item.kind]
        item.facts = selectors.evidence_facts(item)
    today = timezone.localdate()
    return {
        "landing": landing,
        "evidence": evidence,
        "check": check,
        "evidence_kinds": [
            (kind, EvidenceKind(kind).label)
            for kind in selectors.evidence_kinds_for(achievement.kind)
        ],
        "thresholds": _thresholds(achievement.kind, today.year),
        "credit_text": selectors.credit_explanation(landing) if landed else "",
        "landmark_text": selectors.landmark_label(landing) if landed else "",
        "can_record": not landed
        and user.has_perm("achievements.record_landing_evidence", achievement),
        "can_verify": not landed
        and check.is_met
        and user.has_perm("achievements.verify_landing", achievement),
        "can_manage": landed and user.has_perm("achievements.verify_landing", achievement),
    }


def _thresholds(kind: str, year: int) -> list[str]:
    """The amount thresholds of this kind's standards, as in force this year."""
    lines = []
    for evidence_kind in selectors.evidence_kinds_for(kind):
        spec = selectors.EVIDENCE_SPECS[evidence_kind]
        if spec.amount_min_key:
            lines.append(
                _("%(label)s不低于%(amount)s")
                % {
                    "label": spec.label("amount"),
                    "amount": format_yuan(policy_value(spec.amount_min_key, year=year)),
                }
            )
    return lines


# Below the service-library panel: the landing evidence, the check and the verification.
register_card(
    DetailCard("landing", "achievements/landing/_card.html", 130, MAIN, landing_card_context)
)


# --- Evidence -----------------------------------------------------------------------------------


def _evidence_page(request, achievement, form, evidence=None):
    return render(
        request,
        "achievements/landing/evidence_form.html",
        {
            "achievement": achievement,
            "form": form,
            "evidence": evidence,
            "spec": form.spec,
            "kind_label": EvidenceKind(form.kind).label,
        },
    )


@login_required
def evidence_create(request, pk: int, kind: str):
    achievement = _achievement(request, pk, "achievements.record_landing_evidence")
    if kind not in selectors.evidence_kinds_for(achievement.kind):
        raise Http404
    form = EvidenceForm(request.POST or None, request.FILES or None, kind=kind)
    return submit_form(
        request,
        form,
        lambda data: services.landing_evidence_record(
            achievement=achievement, kind=kind, data=data, acting_user=request.user
        ),
        done=_("已保存“%(kind)s”证据，系统将自动核查落地标准。")
        % {"kind": EvidenceKind(kind).label},
        then=_landing_url(achievement),
    ) or _evidence_page(request, achievement, form)


def _evidence(achievement, evidence_pk) -> LandingEvidence:
    return get_object_or_404(LandingEvidence, achievement=achievement, pk=evidence_pk)


@login_required
def evidence_edit(request, pk: int, evidence_pk: int):
    achievement = _achievement(request, pk, "achievements.record_landing_evidence")
    evidence = _evidence(achievement, evidence_pk)
    form = EvidenceForm(
        request.POST or None, request.FILES or None, kind=evidence.kind, instance=evidence
    )
    if request.method == "POST":
        # The form must not write: the service validates, saves and queues the check.
        evidence.refresh_from_db()
    return submit_form(
        request,
        form,
        lambda data: services.landing_evidence_update(
            evidence=evidence, data=data, acting_user=request.user
        ),
        done=_("已修改证据，系统将重新核查落地标准。"),
        then=_landing_url(achievement),
    ) or _evidence_page(request, achievement, form, evidence)


@login_required
@require_POST
def evidence_delete(request, pk: int, evidence_pk: int):
    achievement = _achievement(request, pk, "achievements.record_landing_evidence")
    evidence = _evidence(achievement, evidence_pk)
    try:
        services.landing_evidence_delete(evidence=evidence, acting_user=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("已删除该证据。"))
    return redirect(_landing_url(achievement))


@login_required
@require_GET
def evidence_document(request, evidence_pk: int):
    evidence = get_object_or_404(
        LandingEvidence.objects.visible_to(request.user).select_related("achievement"),
        pk=evidence_pk,
    )
    require_perm(request.user, "achievements.view_landing", evidence.achievement)
    if not evidence.document:
        raise Http404
    return protected_file_response(evidence.document, download_name=evidence.document_name or None)


@login_required
@require_POST
def landing_check_now(request, pk: int):
    achievement = _achievement(request, pk, "achievements.record_landing_evidence")
    landing = services.landing_check(achievement_id=achievement.pk)
    if landing is None:
        messages.info(request, _("尚未录入落地证据。"))
    elif landing.state == LandingState.PROPOSED:
        messages.success(request, _("已满足落地标准，可以核验认定。"))
    else:
        messages.warning(request, _("尚未满足落地标准，请补充证据。"))
    return redirect(_landing_url(achievement))


# --- Verification -------------------------------------------------------------------------------


def _verify_defaults(check) -> dict:
    result = next((r for r in check.results if r.met), None)
    if result is None:
        return {}
    return {"rule": result.rule, "landed_on": result.met_on, "division": result.division}


@login_required
def landing_verify(request, pk: int):
    achievement = _achievement(request, pk, "achievements.verify_landing")
    check = selectors.check_achievement(achievement)
    landing = selectors.landing_of(achievement)
    if (landing and landing.is_landed) or not check.is_met:
        messages.warning(
            request,
            _("该成果已认定落地。") if landing and landing.is_landed else _("尚未满足落地标准。"),
        )
        return redirect(_landing_url(achievement))
    form = VerifyForm(
        request.POST or None,
        rules=check.met_rules,
        initial=_verify_defaults(check),
        preview_url=reverse("achievements:landing_credit_preview", args=[achievement.pk]),
    )
    response = submit_form(
        request,
        form,
        lambda data: services.landing_verify(
            achievement=achievement, acting_user=request.user, **data
        ),
        done=lambda landing: _("已认定落地，计入%(unit)s。") % {"unit": landing.credited_unit.name},
        then=_landing_url(achievement),
    )
    if response:
        return response
    data = form.data if form.is_bound else form.initial
    return render(
        request,
        "achievements/landing/verify_form.html",
        {
            "achievement": achievement,
            "form": form,
            "check": check,
            "preview": _credit_preview(achievement, data),
        },
    )


def _credit_preview(achievement, data) -> dict:
    """Which unit the landing will count for, with the chosen date and division."""
    division = data.get("division")
    if division and not isinstance(division, Division):
        division = (
            Division.objects.filter(pk=division).first() if str(division).isdecimal() else None
        )
    landed_on = data.get("landed_on")
    if landed_on and not isinstance(landed_on, date):
        landed_on = parse_date(str(landed_on))
    if not division or not landed_on:
        return {}
    try:
        unit, basis = selectors.landing_credit(achievement, division=division, year=landed_on.year)
    except ValidationError as error:
        return {"error": clause_separator().join(error.messages)}
    return {
        "unit": unit,
        "basis": basis,
        "basis_label": CreditBasis(basis).label,
        "year": landed_on.year,
        "division": division,
    }


@login_required
@require_GET
def landing_credit_preview(request, pk: int):
    achievement = _achievement(request, pk, "achievements.verify_landing")
    return render(
        request,
        "achievements/landing/verify_form.html#credit-preview",
        {"achievement": achievement, "preview": _credit_preview(achievement, request.GET)},
    )


def _landed_form(request, pk: int, form, action, *, done: str, template: str):
    """A form page about a verified landing (its contribution, revoking it): staff only."""
    achievement = _achievement(request, pk, "achievements.verify_landing")
    landing = selectors.landing_of(achievement)
    if landing is None or not landing.is_landed:
        raise Http404
    form = form(landing)
    return submit_form(
        request,
        form,
        lambda data: action(landing=landing, acting_user=request.user, **data),
        done=done,
        then=_landing_url(achievement),
    ) or render(
        request,
        f"achievements/landing/{template}",
        {"achievement": achievement, "landing": landing, "form": form},
    )


@login_required
def landing_contribution(request, pk: int):
    return _landed_form(
        request,
        pk,
        lambda landing: ContributionForm(
            request.POST or None,
            initial={"amount": landing.economic_contribution, "note": landing.contribution_note},
        ),
        services.landing_contribution_record,
        done=_("已保存综合经济贡献。"),
        template="contribution_form.html",
    )


@login_required
def landing_revoke(request, pk: int):
    return _landed_form(
        request,
        pk,
        lambda landing: RevokeForm(request.POST or None),
        services.landing_revoke,
        done=_("已撤销落地认定，成果回到服务库。"),
        template="revoke_form.html",
    )


# --- The list of landings -----------------------------------------------------------------------


class LandingListView(FilteredListView):
    """Staff work queue and leaders' register of landings: proposed ones wait for verification."""

    template_name = "achievements/landing/list.html"
    filterset_class = LandingFilter
    export_filename = "成果落地清单.xlsx"
    sort_options = {
        "landed": (gettext_lazy("落地日期"), (F("landed_on").desc(nulls_first=True), "-id")),
        "proposed": (gettext_lazy("拟认定时间"), (F("proposed_at").desc(nulls_last=True), "-id")),
        "contribution": (
            gettext_lazy("综合经济贡献"),
            (F("economic_contribution").desc(nulls_last=True), "-id"),
        ),
    }

    def get_scoped_queryset(self):
        if not self.request.user.has_perm("achievements.view_landings"):
            raise Http404
        return selectors.landing_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["awaiting"] = selectors.awaiting_verification_count()
        context["columns"] = page_columns(LANDING_COLUMNS)
        return context

    def export_sheet(self, queryset):
        return landing_sheet(queryset, title=_("成果落地清单"))
