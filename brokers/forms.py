from decimal import Decimal

from django import forms
from django.db import models
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from achievements.models import Demand
from kernel.money import money_label
from kernel.uploads import DocumentField
from towns.choices import Role
from towns.forms import MoneyField
from towns.models import IncubatedEnterprise, IncubationCarrier, Industry, TechCommissioner, User

from . import models as m
from .choices import SELECTION_DECISIONS, Rating
from .selectors import landed_achievements, linkable_achievements


def portal_formfield(db_field, **kwargs):
    """Money in 万元 as officials type it, real date pickers, fields as a grid of checkboxes."""
    if isinstance(db_field, models.DecimalField) and db_field.max_digits == m.MONEY["max_digits"]:
        extra = {"help_text": db_field.help_text} if db_field.help_text else {}
        return MoneyField(
            label=lazy(money_label, str)(db_field.verbose_name),
            required=not db_field.blank,
            **extra,
        )
    if isinstance(db_field, models.DateField):
        kwargs["widget"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    if isinstance(db_field, models.ManyToManyField) and db_field.related_model is Industry:
        kwargs["widget"] = forms.CheckboxSelectMultiple(attrs={"class": "portal-checkgrid"})
    return db_field.formfield(**kwargs)


class RegisterForm(forms.ModelForm):
    class Meta:
        formfield_callback = portal_formfield


def register_form(model_class, field_names, **overrides):
    """A ModelForm for a plain register."""
    meta = type("Meta", (RegisterForm.Meta,), {"model": model_class, "fields": field_names})
    return type(f"{model_class.__name__}Form", (RegisterForm,), {"Meta": meta, **overrides})


# --- Brokers -------------------------------------------------------------------------------------

BROKER_PROFILE_FIELDS = [
    "name",
    "employer",
    "phone",
    "email",
    "fields",
    "certificate_level",
    "training_base",
    "certificate_number",
    "certificate_date",
    "certificate_file",
]


class BrokerForm(RegisterForm):
    """A broker's own application / profile."""

    certificate_file = DocumentField(label=_("证书扫描件"), required=False)

    class Meta(RegisterForm.Meta):
        model = m.Broker
        fields = BROKER_PROFILE_FIELDS
        help_texts = {
            "certificate_level": _("仅中级、高级证书可进入技术经纪（理）人库。"),
            "training_base": _(
                "须为国家技术转移人才培养基地（广东）或其他同等级的培养基地；"
                "列表中没有的基地请联系服务中心添加。"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.certificate_file:
            self.fields["certificate_file"].widget.download_url = reverse(
                "brokers:broker_certificate", args=[self.instance.pk]
            )


class StaffBrokerForm(BrokerForm):
    """Staff also link the broker's login account."""

    class Meta(BrokerForm.Meta):
        fields = ["user", *BROKER_PROFILE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        free = User.objects.filter(role=Role.BROKER, broker_profile__isnull=True)
        if self.instance.user_id:
            free = free | User.objects.filter(pk=self.instance.user_id)
        self.fields["user"].queryset = free.order_by("username")
        self.fields["user"].help_text = _("技术经纪人角色的登录账号，用于查看本人档案和业绩。")


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("核验意见"), max_length=300, required=False)


# --- Contracts -----------------------------------------------------------------------------------


class ContractForm(RegisterForm):
    class Meta(RegisterForm.Meta):
        model = m.TechContract
        fields = [
            "title",
            "contract_type",
            "registration_number",
            "registered_on",
            "amount",
            "seller_name",
            "seller_division",
            "buyer_name",
            "buyer_division",
            "achievements",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievements"].queryset = linkable_achievements()
        self.fields["achievements"].widget.attrs["size"] = 6
        self.fields["achievements"].help_text = _("可按住 Ctrl 多选。")


class ShareForm(forms.Form):
    broker = forms.ModelChoiceField(
        label=_("技术经纪人"), queryset=m.Broker.objects.none(), required=False
    )
    share = forms.DecimalField(
        label=_("份额（%）"),
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        decimal_places=2,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["broker"].queryset = m.Broker.objects.in_library().order_by("name")


class BaseShareFormSet(forms.BaseFormSet):
    def shares(self) -> list[tuple[m.Broker, Decimal]]:
        """(broker, share) rows filled in; a lone broker without a share gets 100 %."""
        rows = [
            (f.cleaned_data["broker"], f.cleaned_data.get("share"))
            for f in self.forms
            if f.cleaned_data.get("broker")
        ]
        if len(rows) == 1 and rows[0][1] is None:
            return [(rows[0][0], Decimal(100))]
        return rows

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        several = sum(bool(f.cleaned_data.get("broker")) for f in self.forms) > 1
        for form in self.forms:
            if (
                several
                and form.cleaned_data.get("broker")
                and form.cleaned_data.get("share") is None
            ):
                form.add_error("share", _("多名经纪人时请填写各自份额。"))


ShareFormSet = forms.formset_factory(ShareForm, formset=BaseShareFormSet, extra=3, max_num=10)


class ContractImportForm(forms.Form):
    file = forms.FileField(
        label=_("技术合同 Excel 文件"),
        help_text=_("请使用平台模板（.xlsx），不超过 10 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


# --- Venture capital, intermediaries, PoC centers, events, candidates ----------------------------


class VentureRoundForm(RegisterForm):
    class Meta(RegisterForm.Meta):
        model = m.VentureRound
        fields = ["achievement", "investor", "fund", "round", "amount", "invested_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = linkable_achievements()
        self.fields["achievement"].help_text = _("只有已落地成果的融资计入全市创投指标。")


class FundForm(RegisterForm):
    class Meta(RegisterForm.Meta):
        model = m.Fund
        fields = [
            "name",
            "level",
            "parent",
            "partner_division",
            "partner_platform",
            "manager",
            "size",
            "fields",
            "established_on",
            "note",
        ]


class IntermediaryForm(RegisterForm):
    class Meta(RegisterForm.Meta):
        model = m.Intermediary
        fields = [
            "name",
            "division",
            "fields",
            "recognition_year",
            "first_above_scale_year",
            "landed_projects",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["landed_projects"].queryset = landed_achievements()


IntermediaryRatingForm = register_form(
    m.IntermediaryRating,
    ["year", "rating", "score", "service_revenue", "demonstration", "proposed_amount"],
)


class PocCenterForm(RegisterForm):
    class Meta(RegisterForm.Meta):
        model = m.PocCenter
        fields = ["name", "kind", "operator", "division", "fields", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class PocRecogniseForm(forms.Form):
    year = forms.IntegerField(label=_("认定年度"), min_value=2000, max_value=2100)
    support = MoneyField(label=_("一次性支持金额"))


class PocEvaluationForm(forms.Form):
    year = forms.IntegerField(label=_("评估年度"), min_value=2000, max_value=2100)
    rating = forms.ChoiceField(label=_("绩效评估结果"), choices=Rating.choices)
    note = forms.CharField(label=_("评估意见"), max_length=300, required=False)


class PocProjectForm(forms.Form):
    achievement = forms.ModelChoiceField(label=_("落地成果"), queryset=m.Achievement.objects.none())
    year = forms.IntegerField(label=_("贡献年度"), min_value=2000, max_value=2100)
    contribution = MoneyField(label=_("综合贡献"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = landed_achievements()


SubsidisedEventForm = register_form(
    m.SubsidisedEvent, ["name", "kind", "organiser", "held_on", "total_spend", "note"]
)


class OutstandingIndividualForm(RegisterForm):
    class Meta(RegisterForm.Meta):
        model = m.OutstandingIndividual
        fields = ["year", "name", "broker", "employer", "merit", "score", "proposed_amount"]
        widgets = {"merit": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["broker"].queryset = m.Broker.objects.in_library()


# --- Town-programme registers --------------------------------------------------------------------

MajorProjectForm = register_form(
    m.MajorProject, ["name", "lead_enterprise", "division", "field", "year", "note"]
)
GazelleEnterpriseForm = register_form(
    m.GazelleEnterprise, ["name", "credit_code", "division", "field", "year"]
)
CooperationProjectForm = register_form(
    m.CooperationProject, ["title", "enterprise", "institution", "division", "signed_on", "amount"]
)
InnovationComplexForm = register_form(
    m.InnovationComplex, ["name", "division", "operator", "fields", "year"]
)
DemonstrationTownForm = register_form(m.DemonstrationTown, ["division", "year", "highlights"])

# Seed 000 registers: 科技特派员, the incubation chain, the demonstration-town selection, the two
# money rules' inputs, and the revenue figure behind the action plan's growth target.

TechCommissionerForm = register_form(
    TechCommissioner,
    ["name", "employer", "expertise", "division", "dispatched_on", "ended_on"],
)


class CommissionerServiceForm(RegisterForm):
    class Meta(RegisterForm.Meta):
        model = m.CommissionerService
        fields = [
            "commissioner",
            "enterprise",
            "served_on",
            "problem",
            "result",
            "demand",
            "solved",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = TechCommissioner.objects.select_related("division")
        self.fields["demand"].queryset = Demand.objects.select_related("enterprise").order_by("-id")


IncubationCarrierForm = register_form(
    IncubationCarrier,
    [
        "name",
        "kind",
        "level",
        "division",
        "operator",
        "recognised_year",
        "capacity",
        "occupied",
    ],
)
IncubatedEnterpriseForm = register_form(
    IncubatedEnterprise,
    ["carrier", "name", "credit_code", "entered_on", "graduated_on", "high_tech_year"],
)
TownSelectionForm = register_form(
    m.TownSelection,
    [
        "division",
        "year",
        "innovation_strong_town",
        "leading_industries",
        "support_role",
        "industry_profile",
        *m.TownSelection.MECHANISM_FIELDS,
    ],
)


class TownSelectionDecisionForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("认定结果"),
        choices=[(s.value, s.label) for s in SELECTION_DECISIONS],
    )
    note = forms.CharField(label=_("认定意见"), max_length=300, required=False)


IndustrialisationAwardForm = register_form(
    m.IndustrialisationAward, ["project", "year", "performance", "proposed_amount"]
)
LoanLossClaimForm = register_form(
    m.LoanLossClaim,
    ["bank", "enterprise", "loan_amount", "loss_amount", "year", "requested_rate"],
)
ServiceRevenueForm = register_form(m.ServiceRevenue, ["year", "revenue", "source"])
