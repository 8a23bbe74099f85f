"""Pages of the transfer ecosystem. Thin: permission, form, a service call, render/redirect."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from achievements.choices import AchievementStatus, EvidenceSource
from achievements.models import Achievement
from achievements.views.cards import MAIN, DetailCard, register_card
from kernel.excel import SheetSpec, WorkbookRejected, wan, xlsx_response
from kernel.lists import FilteredListView
from kernel.tables import Col, table_sheet
from kernel.uploads import protected_file_response
from kernel.views import require_perm
from towns.models import IncubatedEnterprise, IncubationCarrier, TechCommissioner

from . import filters, forms, selectors, services, tables
from . import models as m
from .choices import BrokerStatus, Programme, SelectionStage
from .imports import COLUMNS as IMPORT_COLUMNS
from .rewards import policy_parameters


def add_errors(form, exc: ValidationError) -> None:
    """A service refused: show its reasons on the form (nothing was saved)."""
    form.add_error(None, exc.messages)


# --- Registers: one description drives the list, the export and the form --------------------------


@dataclass(frozen=True)
class Register:
    key: str
    title: Any
    model: type
    filterset: type
    columns: list[Col]
    form: type | None = None
    sort_options: dict = field(default_factory=dict)
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()
    detail_url: str = ""  # a URL name taking pk; otherwise rows link to the edit form
    programme: str = ""
    create_label: Any = gettext_lazy("登记")
    prepare: Any = None  # a selector annotating the queryset (counts shown in the columns)
    summary: str = ""  # an include above the list (brokers/registers/summary_<summary>.html)

    def queryset(self, user):
        queryset = self.model.objects.visible_to(user)
        if self.prepare is not None:
            queryset = self.prepare(queryset)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def url(self, name: str, *args) -> str:
        return reverse(f"brokers:{self.key}_{name}", args=args)


def _sorts(*options):
    return {key: (label, tuple(order)) for key, label, order in options}


REGISTERS = {
    r.key: r
    for r in [
        Register(
            key="broker",
            title=gettext_lazy("技术经纪（理）人库"),
            model=m.Broker,
            filterset=filters.BrokerFilter,
            columns=tables.BROKER_COLUMNS,
            select_related=("certificate_level", "training_base"),
            prefetch_related=("fields",),
            detail_url="brokers:broker_detail",
            sort_options=_sorts(
                ("name", gettext_lazy("按姓名"), ("name", "id")),
                ("recent", gettext_lazy("最近登记"), ("-created_at", "-id")),
            ),
        ),
        Register(
            key="contract",
            title=gettext_lazy("技术合同"),
            model=m.TechContract,
            filterset=filters.TechContractFilter,
            columns=tables.CONTRACT_COLUMNS,
            detail_url="brokers:contract_detail",
            sort_options=_sorts(
                ("recent", gettext_lazy("登记日期（新→旧）"), ("-registered_on", "-id")),
                ("amount", gettext_lazy("成交额（高→低）"), ("-amount", "-id")),
            ),
        ),
        Register(
            key="venture",
            title=gettext_lazy("创投融资"),
            model=m.VentureRound,
            filterset=filters.VentureRoundFilter,
            columns=tables.VENTURE_COLUMNS,
            form=forms.VentureRoundForm,
            select_related=("achievement", "fund"),
            sort_options=_sorts(
                ("recent", gettext_lazy("融资日期（新→旧）"), ("-invested_on", "-id")),
                ("amount", gettext_lazy("金额（高→低）"), ("-amount", "-id")),
            ),
        ),
        Register(
            key="fund",
            title=gettext_lazy("天使母基金和子基金"),
            model=m.Fund,
            filterset=filters.FundFilter,
            columns=tables.FUND_COLUMNS,
            form=forms.FundForm,
            select_related=("parent", "partner_division"),
            prefetch_related=(
                "fields",
                Prefetch("children", m.Fund.objects.only("id", "name", "parent_id")),
            ),
            sort_options=_sorts(
                ("level", gettext_lazy("母基金在前"), ("level", "name", "id")),
                ("size", gettext_lazy("规模（大→小）"), ("-size", "id")),
            ),
            create_label=gettext_lazy("登记基金"),
        ),
        Register(
            key="intermediary",
            title=gettext_lazy("科技中介服务机构"),
            model=m.Intermediary,
            filterset=filters.IntermediaryFilter,
            columns=tables.INTERMEDIARY_COLUMNS,
            form=forms.IntermediaryForm,
            select_related=("division",),
            prefetch_related=(
                "fields",
                Prefetch("landed_projects", m.Achievement.objects.only("id")),
            ),
            detail_url="brokers:intermediary_detail",
        ),
        Register(
            key="poc",
            title=gettext_lazy("概念验证中心（中试基地）"),
            model=m.PocCenter,
            filterset=filters.PocCenterFilter,
            columns=tables.POC_COLUMNS,
            form=forms.PocCenterForm,
            select_related=("division",),
            prefetch_related=("fields",),
            detail_url="brokers:poc_detail",
        ),
        Register(
            key="event",
            title=gettext_lazy("成果转化活动资助"),
            model=m.SubsidisedEvent,
            filterset=filters.SubsidisedEventFilter,
            columns=tables.EVENT_COLUMNS,
            form=forms.SubsidisedEventForm,
        ),
        Register(
            key="outstanding",
            title=gettext_lazy("优秀技术转移转化个人评选"),
            model=m.OutstandingIndividual,
            filterset=filters.OutstandingIndividualFilter,
            columns=tables.OUTSTANDING_COLUMNS,
            form=forms.OutstandingIndividualForm,
            create_label=gettext_lazy("登记候选人"),
        ),
        Register(
            key="major_project",
            title=Programme.MAJOR_PROJECTS.label,
            model=m.MajorProject,
            filterset=filters.MajorProjectFilter,
            columns=tables.MAJOR_PROJECT_COLUMNS,
            form=forms.MajorProjectForm,
            select_related=("division", "field"),
            programme=Programme.MAJOR_PROJECTS,
        ),
        Register(
            key="gazelle",
            title=Programme.GAZELLES.label,
            model=m.GazelleEnterprise,
            filterset=filters.GazelleEnterpriseFilter,
            columns=tables.GAZELLE_COLUMNS,
            form=forms.GazelleEnterpriseForm,
            select_related=("division", "field"),
            programme=Programme.GAZELLES,
        ),
        Register(
            key="cooperation",
            title=Programme.COOPERATION_PROJECTS.label,
            model=m.CooperationProject,
            filterset=filters.CooperationProjectFilter,
            columns=tables.COOPERATION_COLUMNS,
            form=forms.CooperationProjectForm,
            select_related=("division",),
            programme=Programme.COOPERATION_PROJECTS,
        ),
        Register(
            key="complex",
            title=Programme.INNOVATION_COMPLEXES.label,
            model=m.InnovationComplex,
            filterset=filters.InnovationComplexFilter,
            columns=tables.COMPLEX_COLUMNS,
            form=forms.InnovationComplexForm,
            select_related=("division",),
            prefetch_related=("fields",),
            programme=Programme.INNOVATION_COMPLEXES,
        ),
        Register(
            key="demo_town",
            title=Programme.DEMONSTRATION_TOWNS.label,
            model=m.DemonstrationTown,
            filterset=filters.DemonstrationTownFilter,
            columns=tables.DEMONSTRATION_TOWN_COLUMNS,
            form=forms.DemonstrationTownForm,
            select_related=("division",),
            programme=Programme.DEMONSTRATION_TOWNS,
        ),
        Register(
            key="commissioner",
            title=gettext_lazy("科技特派员"),
            model=TechCommissioner,
            filterset=filters.TechCommissionerFilter,
            columns=tables.COMMISSIONER_COLUMNS,
            form=forms.TechCommissionerForm,
            prepare=selectors.commissioners_with_counts,
            summary="commissioners",
            sort_options=_sorts(
                ("division", gettext_lazy("按镇街"), ("division__code", "name", "id")),
                ("services", gettext_lazy("服务次数（多→少）"), ("-service_count", "id")),
            ),
        ),
        Register(
            key="commissioner_service",
            title=gettext_lazy("科技特派员服务记录"),
            model=m.CommissionerService,
            filterset=filters.CommissionerServiceFilter,
            columns=tables.COMMISSIONER_SERVICE_COLUMNS,
            form=forms.CommissionerServiceForm,
            select_related=("commissioner__division", "demand"),
            create_label=gettext_lazy("登记服务记录"),
        ),
        Register(
            key="carrier",
            title=gettext_lazy("孵化载体（众创空间—孵化器—加速器）"),
            model=IncubationCarrier,
            filterset=filters.IncubationCarrierFilter,
            columns=tables.CARRIER_COLUMNS,
            form=forms.IncubationCarrierForm,
            prepare=selectors.carriers_with_counts,
            summary="chain",
        ),
        Register(
            key="incubated",
            title=gettext_lazy("在孵（毕业）企业"),
            model=IncubatedEnterprise,
            filterset=filters.IncubatedEnterpriseFilter,
            columns=tables.INCUBATED_COLUMNS,
            form=forms.IncubatedEnterpriseForm,
            prepare=selectors.incubated_with_gazelle,
        ),
        Register(
            key="town_selection",
            title=gettext_lazy("科技创新示范镇遴选认定"),
            model=m.TownSelection,
            filterset=filters.TownSelectionFilter,
            columns=tables.TOWN_SELECTION_COLUMNS,
            form=forms.TownSelectionForm,
            select_related=("division",),
            detail_url="brokers:town_selection_detail",
            create_label=gettext_lazy("登记遴选镇街"),
        ),
        Register(
            key="industrialisation_award",
            title=gettext_lazy("重大科技项目产业化绩效奖励申报"),
            model=m.IndustrialisationAward,
            filterset=filters.IndustrialisationAwardFilter,
            columns=tables.INDUSTRIALISATION_AWARD_COLUMNS,
            form=forms.IndustrialisationAwardForm,
            select_related=("project__division",),
        ),
        Register(
            key="loan_loss",
            title=gettext_lazy("“科保贷”银行损失补偿申请"),
            model=m.LoanLossClaim,
            filterset=filters.LoanLossClaimFilter,
            columns=tables.LOAN_LOSS_COLUMNS,
            form=forms.LoanLossClaimForm,
        ),
        Register(
            key="service_revenue",
            title=gettext_lazy("规上科技服务业营业收入"),
            model=m.ServiceRevenue,
            filterset=filters.ServiceRevenueFilter,
            columns=tables.SERVICE_REVENUE_COLUMNS,
            form=forms.ServiceRevenueForm,
            summary="revenue",
            create_label=gettext_lazy("填报年度数据"),
        ),
    ]
}


class RegisterListView(FilteredListView):
    template_name = "brokers/registers/list.html"
    register: Register = None

    def dispatch(self, request, *args, **kwargs):
        self.sort_options = self.register.sort_options
        self.filterset_class = self.register.filterset
        self.export_filename = f"{self.register.title}.xlsx"
        return super().dispatch(request, *args, **kwargs)

    def get_scoped_queryset(self):
        require_perm(self.request.user, "brokers.view_registers")
        return self.register.queryset(self.request.user)

    def export_sheet(self, queryset) -> SheetSpec:
        return table_sheet(
            self.register.title, self.register.columns, queryset.iterator(chunk_size=500)
        )

    def row_url(self, obj) -> str:
        if self.register.detail_url:
            return reverse(self.register.detail_url, args=[obj.pk])
        if self.can_manage:
            return self.register.url("update", obj.pk)
        return ""

    def get_context_data(self, **kwargs):
        self.can_manage = self.request.user.has_perm("brokers.manage_registers")
        context = super().get_context_data(**kwargs)
        columns = self.register.columns
        context.update(
            register=self.register,
            can_manage=self.can_manage and self.register.form is not None,
            columns=columns,
            rows=[
                (
                    self.row_url(obj),
                    [
                        (
                            c.html(obj),
                            c.css,
                            tables.status_css(obj, c.field) if c.kind == "status" else "",
                        )
                        for c in columns
                    ],
                )
                for obj in context["object_list"]
            ],
        )
        year = timezone.localdate().year
        if self.register.summary == "commissioners":
            context["by_division"] = selectors.commissioners_by_division(year)
        elif self.register.summary == "chain":
            context["chain"] = selectors.incubation_chain()
        elif self.register.summary == "revenue":
            context["revenue"] = selectors.service_revenue_growth(year)
        if self.register.programme:
            progress = selectors.programme_progress(year)
            context["progress"] = next(
                p for p in progress if p.programme == self.register.programme
            )
            if self.register.programme in (Programme.MAJOR_PROJECTS, Programme.GAZELLES):
                context["by_division"] = selectors.programme_by_division(
                    self.register.programme, year
                )
        return context


class RegisterFormView(LoginRequiredMixin, View):
    """Create or edit an entry of a plain register (staff only)."""

    template_name = "brokers/registers/form.html"
    register: Register = None

    def get_object(self, pk):
        if pk is None:
            return None
        return get_object_or_404(self.register.queryset(self.request.user), pk=pk)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require_perm(request.user, "brokers.manage_registers")
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form, instance):
        return render(
            self.request,
            self.template_name,
            {"form": form, "register": self.register, "object": instance},
        )

    def get(self, request, pk=None):
        instance = self.get_object(pk)
        refusal = services.register_entry_refusal(instance) if instance else ""
        if refusal:
            messages.warning(request, refusal)
            if self.register.detail_url:
                return redirect(self.register.detail_url, pk=instance.pk)
            return redirect(self.register.url("list"))
        return self.render_form(self.register.form(instance=instance), instance)

    def post(self, request, pk=None):
        instance = self.get_object(pk)
        form = self.register.form(request.POST, request.FILES, instance=instance)
        if form.is_valid():
            entry = form.save(commit=False)
            m2m = {
                f.name: form.cleaned_data[f.name]
                for f in entry._meta.many_to_many
                if f.name in form.cleaned_data
            }
            try:
                services.register_entry_save(instance=entry, acting_user=request.user, m2m=m2m)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已保存：%(name)s") % {"name": entry})
                if self.register.detail_url:
                    return redirect(self.register.detail_url, pk=entry.pk)
                return redirect(self.register.url("list"))
        return self.render_form(form, instance)


# --- Brokers -------------------------------------------------------------------------------------


def _broker_form_class(user):
    return forms.StaffBrokerForm if user.has_perm("brokers.manage_registers") else forms.BrokerForm


def _broker_values(form) -> dict:
    values = {k: v for k, v in form.cleaned_data.items() if k != "fields"}
    if values.get("certificate_file") in (None, False):
        values.pop("certificate_file", None)
    return values


@login_required
def broker_create(request):
    """Staff register a broker; a broker user without a profile applies for the library."""
    user = request.user
    if not user.has_perm("brokers.manage_registers"):
        require_perm(user, "brokers.apply_as_broker")
        if selectors.broker_for_user(user):
            return redirect("brokers:broker_me")
    form_class = _broker_form_class(user)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            broker = services.broker_create(
                acting_user=user, fields=form.cleaned_data["fields"], **_broker_values(form)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已提交，等待服务中心核验证书。"))
            return redirect("brokers:broker_detail", pk=broker.pk)
    return render(request, "brokers/brokers/form.html", {"form": form, "object": None})


@login_required
def broker_update(request, pk):
    broker = get_object_or_404(m.Broker.objects.visible_to(request.user), pk=pk)
    require_perm(request.user, "brokers.change_broker", broker)
    form_class = _broker_form_class(request.user)
    form = form_class(request.POST or None, request.FILES or None, instance=broker)
    if request.method == "POST" and form.is_valid():
        try:
            services.broker_update(
                broker=broker,
                acting_user=request.user,
                fields=form.cleaned_data["fields"],
                **_broker_values(form),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("档案已保存。"))
            return redirect("brokers:broker_detail", pk=broker.pk)
    return render(request, "brokers/brokers/form.html", {"form": form, "object": broker})


def _broker_page(request, broker):
    return render(
        request,
        "brokers/brokers/detail.html",
        {
            "broker": broker,
            "deals": selectors.broker_deals(broker),
            "by_year": selectors.broker_facilitated_by_year(broker),
            "reviews": broker.reviews.select_related("actor"),
            "refusals": selectors.library_refusals(broker)
            if broker.status == BrokerStatus.PENDING
            else [],
            "rewards": broker.reward_lines.filter(reward_list__status="approved")
            .select_related("reward_list")
            .order_by("-reward_list__year", "position"),
            "review_form": forms.ReviewForm(),
            "can_change": request.user.has_perm("brokers.change_broker", broker),
            "can_verify": request.user.has_perm("brokers.verify_broker", broker),
            "show_personal": request.user.has_perm("brokers.view_broker_personal", broker),
        },
    )


@login_required
def broker_detail(request, pk):
    queryset = m.Broker.objects.visible_to(request.user).select_related(
        "certificate_level", "training_base", "user", "reviewed_by"
    )
    broker = get_object_or_404(queryset, pk=pk)
    return _broker_page(request, broker)


@login_required
def broker_me(request):
    """A broker's own profile and deals; without a profile yet, the application form."""
    require_perm(request.user, "brokers.apply_as_broker")
    broker = selectors.broker_for_user(request.user)
    if broker is None:
        return redirect("brokers:broker_create")
    return _broker_page(request, broker)


@login_required
def broker_certificate(request, pk):
    broker = get_object_or_404(m.Broker.objects.visible_to(request.user), pk=pk)
    require_perm(request.user, "brokers.view_broker_personal", broker)
    if not broker.certificate_file:
        raise Http404
    return protected_file_response(
        broker.certificate_file, download_name=f"{broker.name}-证书-{broker.certificate_number}"
    )


def _broker_review(request, pk, action):
    broker = get_object_or_404(m.Broker.objects.visible_to(request.user), pk=pk)
    require_perm(request.user, "brokers.verify_broker", broker)
    form = forms.ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        action(broker=broker, acting_user=request.user, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已处理：%(name)s") % {"name": broker.name})
    return redirect("brokers:broker_detail", pk=broker.pk)


@login_required
@require_POST
def broker_verify(request, pk):
    return _broker_review(request, pk, services.broker_verify)


@login_required
@require_POST
def broker_reject(request, pk):
    return _broker_review(request, pk, services.broker_reject)


# --- Contracts -----------------------------------------------------------------------------------


class ContractListView(RegisterListView):
    def get_scoped_queryset(self):
        require_perm(self.request.user, "brokers.view_contracts")
        return selectors.contracts_with_details(
            m.TechContract.objects.visible_to(self.request.user)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.can_manage
        return context


def _contract_form(request, contract=None):
    require_perm(request.user, "brokers.manage_registers")
    initial_shares = (
        [{"broker": s.broker, "share": s.share} for s in contract.broker_shares.all()]
        if contract
        else []
    )
    form = forms.ContractForm(request.POST or None, instance=contract)
    formset = forms.ShareFormSet(request.POST or None, initial=initial_shares, prefix="shares")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "achievements"}
        links = {
            "achievements": form.cleaned_data["achievements"],
            "shares": formset.shares(),
        }
        try:
            if contract is None:
                contract = services.contract_register(acting_user=request.user, **links, **values)
            else:
                contract = services.contract_update(
                    contract=contract, acting_user=request.user, **links, **values
                )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("技术合同已登记：%(n)s") % {"n": contract.registration_number}
            )
            return redirect("brokers:contract_detail", pk=contract.pk)
    return render(
        request,
        "brokers/contracts/form.html",
        {"form": form, "formset": formset, "object": contract},
    )


@login_required
def contract_create(request):
    return _contract_form(request)


@login_required
def contract_update(request, pk):
    contract = get_object_or_404(m.TechContract.objects.visible_to(request.user), pk=pk)
    return _contract_form(request, contract)


@login_required
def contract_detail(request, pk):
    queryset = selectors.contracts_with_details(
        m.TechContract.objects.visible_to(request.user).select_related("created_by")
    )
    contract = get_object_or_404(queryset, pk=pk)
    return render(
        request,
        "brokers/contracts/detail.html",
        {
            "contract": contract,
            "can_manage": request.user.has_perm("brokers.manage_registers"),
        },
    )


@login_required
def contract_import(request):
    require_perm(request.user, "brokers.manage_registers")
    form = forms.ContractImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record, result = services.contract_import_preview(
                uploaded=form.cleaned_data["file"], acting_user=request.user
            )
        except WorkbookRejected as exc:
            form.add_error("file", str(exc))
        else:
            return render(
                request,
                "brokers/contracts/import_preview.html",
                {"record": record, "result": result, "columns": IMPORT_COLUMNS},
            )
    return render(
        request, "brokers/contracts/import.html", {"form": form, "columns": IMPORT_COLUMNS}
    )


@login_required
@require_POST
def contract_import_confirm(request, pk):
    require_perm(request.user, "brokers.manage_registers")
    record = get_object_or_404(m.ContractImport.objects.filter(uploaded_by=request.user), pk=pk)
    try:
        count = services.contract_import_confirm(contract_import=record, acting_user=request.user)
    except (ValidationError, WorkbookRejected) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("brokers:contract_import")
    messages.success(request, _("已导入 %(n)d 份技术合同。") % {"n": count})
    return redirect("brokers:contract_list")


@login_required
def contract_import_template(request):
    require_perm(request.user, "brokers.manage_registers")
    example = [
        "新能源汽车电池管理系统技术开发",
        "技术开发",
        "2024440019000123",
        "2024-05-20",
        "380",
        "东莞理工学院",
        "松山湖",
        "东莞锂安新能源科技有限公司",
        "松山湖",
        "",
        "",
        "",
    ]
    return xlsx_response(
        "技术合同导入模板.xlsx",
        [
            SheetSpec(
                title="技术合同",
                headers=[c.header for c in IMPORT_COLUMNS],
                rows=[example],
                widths=[24] * len(IMPORT_COLUMNS),
            ),
            SheetSpec(
                title="填写说明",
                headers=["列", "必填", "说明"],
                rows=[[c.header, "是" if c.required else "", c.help or ""] for c in IMPORT_COLUMNS],
                widths=[20, 8, 60],
            ),
        ],
    )


# --- Intermediaries and PoC centers --------------------------------------------------------------


@login_required
def intermediary_detail(request, pk):
    queryset = m.Intermediary.objects.visible_to(request.user).select_related("division")
    intermediary = get_object_or_404(queryset, pk=pk)
    can_manage = request.user.has_perm("brokers.manage_registers")
    form = forms.IntermediaryRatingForm(request.POST or None)
    if request.method == "POST":
        require_perm(request.user, "brokers.manage_registers")
        if form.is_valid():
            rating = form.save(commit=False)
            rating.intermediary = intermediary
            try:
                services.register_entry_save(instance=rating, acting_user=request.user)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("绩效评价已登记。"))
                return redirect("brokers:intermediary_detail", pk=pk)
    return render(
        request,
        "brokers/intermediaries/detail.html",
        {
            "intermediary": intermediary,
            "ratings": intermediary.ratings.all(),
            "projects": intermediary.landed_projects.all(),
            "fields": intermediary.fields.all(),
            "form": form,
            "can_manage": can_manage,
        },
    )


POC_ACTIONS = {
    "recognise": forms.PocRecogniseForm,
    "evaluate": forms.PocEvaluationForm,
    "project": forms.PocProjectForm,
}


def _poc_action(center, action, form, user):
    data = form.cleaned_data
    if action == "recognise":
        services.poc_center_recognise(
            center=center, year=data["year"], support=data["support"], acting_user=user
        )
    elif action == "evaluate":
        services.poc_evaluation_record(center=center, acting_user=user, **data)
    else:
        services.poc_project_add(center=center, acting_user=user, **data)


@login_required
def poc_detail(request, pk):
    queryset = m.PocCenter.objects.visible_to(request.user).select_related(
        "division", "recognised_by"
    )
    center = get_object_or_404(queryset, pk=pk)
    action = request.POST.get("action", "")
    bound = {}
    if request.method == "POST":
        require_perm(request.user, "brokers.manage_registers")
        if action not in POC_ACTIONS:
            raise Http404
        form = POC_ACTIONS[action](request.POST)
        bound[action] = form
        if form.is_valid():
            try:
                _poc_action(center, action, form, request.user)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("brokers:poc_detail", pk=pk)
    year = timezone.localdate().year
    poc_forms = {
        "recognise": bound.get("recognise") or forms.PocRecogniseForm(initial={"year": year}),
        "evaluate": bound.get("evaluate") or forms.PocEvaluationForm(initial={"year": year}),
        "project": bound.get("project") or forms.PocProjectForm(initial={"year": year}),
    }
    return render(
        request,
        "brokers/poc/detail.html",
        {
            "center": center,
            "fields": center.fields.all(),
            "evaluations": center.evaluations.all(),
            "projects": center.projects.select_related("achievement"),
            "poc_forms": poc_forms,
            "can_manage": request.user.has_perm("brokers.manage_registers"),
        },
    )


# --- Rewards -------------------------------------------------------------------------------------


def _reward_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@login_required
def reward_index(request):
    require_perm(request.user, "brokers.view_registers")
    year = request.GET.get("year", "")
    return redirect(
        "brokers:reward_list", year=int(year) if year.isdecimal() else timezone.localdate().year
    )


@login_required
def reward_list(request, year):
    require_perm(request.user, "brokers.view_registers")
    year = _reward_year(year)
    rewards = selectors.reward_list_for_year(year)
    if request.GET.get("export") == "xlsx":
        if rewards is None:
            raise Http404
        return xlsx_response(
            f"{year}年度科技成果转化奖励清单.xlsx",
            [
                table_sheet(
                    f"{year}年度奖励清单",
                    tables.REWARD_COLUMNS,
                    rewards.lines.all(),
                    totals=["", "合计", "", "", rewards.get_status_display(), wan(rewards.total)],
                )
            ],
        )
    lines = list(rewards.lines.all()) if rewards else []
    return render(
        request,
        "brokers/rewards/list.html",
        {
            "year": year,
            "rewards": rewards,
            "lines": lines,
            "rule_totals": selectors.reward_rule_totals(rewards) if rewards else [],
            "years": range(timezone.localdate().year, 2022, -1),
            "can_approve": request.user.has_perm("brokers.approve_rewards"),
            "computed_by_me": rewards is not None
            and rewards.computed_by_id == request.user.pk
            and selectors.reward_four_eyes(),
            "parameters": policy_parameters(year),
        },
    )


@login_required
@require_POST
def reward_compute(request, year):
    require_perm(request.user, "brokers.approve_rewards")
    try:
        services.reward_list_compute(year=_reward_year(year), acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已按规则计算%(year)d年度奖励。") % {"year": year})
    return redirect("brokers:reward_list", year=year)


@login_required
@require_POST
def reward_approve(request, year):
    require_perm(request.user, "brokers.approve_rewards")
    rewards = get_object_or_404(m.RewardList.objects.visible_to(request.user), year=year)
    try:
        services.reward_list_approve(reward_list=rewards, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(year)d年度奖励清单已审定。") % {"year": year})
    return redirect("brokers:reward_list", year=year)


# --- Town programme ------------------------------------------------------------------------------


@login_required
def programme_overview(request):
    require_perm(request.user, "brokers.view_registers")
    year = timezone.localdate().year
    registers = {r.programme: r for r in REGISTERS.values() if r.programme}
    progress = selectors.programme_progress(year)
    return render(
        request,
        "brokers/programmes/overview.html",
        {
            "year": year,
            "rows": [(p, registers[p.programme].url("list")) for p in progress],
        },
    )


# --- The achievement page: contracts with a Dongguan party, usable as landing evidence ------------


def _dongguan_contracts_card(request, achievement):
    user = request.user
    if not user.has_perm("achievements.view_landing", achievement):
        return None
    contracts = list(selectors.achievement_dongguan_contracts(achievement))
    if not contracts:
        return None
    used = set(
        achievement.landing_evidence.filter(source=EvidenceSource.TECH_CONTRACT).values_list(
            "source_reference", flat=True
        )
    )
    return {
        "contracts": contracts,
        "used": used,
        "can_use": achievement.status == AchievementStatus.SERVICE
        and user.has_perm("achievements.record_landing_evidence", achievement),
    }


register_card(
    DetailCard(
        "dongguan_contracts",
        "brokers/contracts/_landing_card.html",
        135,
        MAIN,
        _dongguan_contracts_card,
    )
)


@login_required
@require_POST
def contract_landing_evidence(request, pk, achievement_pk):
    """Staff use a registered contract as evidence of project clause (二)."""
    achievement = get_object_or_404(Achievement.objects.visible_to(request.user), pk=achievement_pk)
    require_perm(request.user, "achievements.record_landing_evidence", achievement)
    contract = get_object_or_404(selectors.achievement_dongguan_contracts(achievement), pk=pk)
    try:
        services.contract_as_landing_evidence(
            contract=contract, achievement=achievement, acting_user=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("已将技术合同 %(number)s 作为落地证据（与东莞主体交易）。")
            % {"number": contract.registration_number},
        )
    return redirect(reverse("achievements:achievement_detail", args=[achievement.pk]) + "#landing")


# --- 科技创新示范镇 selection --------------------------------------------------------------------


@login_required
def town_selection_detail(request, pk):
    require_perm(request.user, "brokers.view_registers")
    register = REGISTERS["town_selection"]
    selection = get_object_or_404(
        register.queryset(request.user).select_related("decided_by"), pk=pk
    )
    can_decide = request.user.has_perm("brokers.manage_registers") and (
        selection.stage == SelectionStage.NOMINATED
    )
    form = forms.TownSelectionDecisionForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        if not request.user.has_perm("brokers.manage_registers"):
            raise PermissionDenied
        if not can_decide:  # decided meanwhile, e.g. by a colleague in another tab
            messages.warning(
                request,
                _("当前状态为“%(stage)s”，不能再作认定。")
                % {"stage": selection.get_stage_display()},
            )
            return redirect("brokers:town_selection_detail", pk=selection.pk)
        if form.is_valid():
            try:
                services.town_selection_decide(
                    selection=selection,
                    stage=form.cleaned_data["stage"],
                    note=form.cleaned_data["note"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已记录认定结果。"))
                return redirect("brokers:town_selection_detail", pk=selection.pk)
    return render(
        request,
        "brokers/town_selection_detail.html",
        {
            "selection": selection,
            "register": register,
            "form": form,
            "can_manage": request.user.has_perm("brokers.manage_registers"),
        },
    )
