from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.uploads import DocumentField
from kernel.validators import normalize_uscc, validate_uscc
from towns.forms import MoneyField
from towns.models import Division

from ..choices import LandingRule, LicenseDirection, RegistrationMode
from ..models import LandingEvidence
from ..selectors.landing import EVIDENCE_SPECS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DivisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Division) -> str:
        return obj.name


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("日期不能晚于今天。"))


class EvidenceForm(forms.ModelForm):
    """The fields of one kind of evidence (EVIDENCE_SPECS), labelled as that kind names them."""

    class Meta:
        model = LandingEvidence
        fields = [
            "registration_mode",
            "license_direction",
            "entity_name",
            "credit_code",
            "division",
            "counterparty",
            "authority",
            "subject",
            "reference_number",
            "amount",
            "team_size",
            "occurred_on",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.spec = EVIDENCE_SPECS[kind]
        self.fields["amount"] = MoneyField(label=_("金额"))
        self.fields["division"] = DivisionChoiceField(
            label=_("所在镇街（园区）"), queryset=Division.objects.order_by("code")
        )
        self.fields["occurred_on"] = forms.DateField(
            label=_("日期"), widget=DATE_WIDGET, validators=[_not_in_future]
        )
        self.fields["registration_mode"].choices = RegistrationMode.choices
        self.fields["license_direction"].choices = LicenseDirection.choices
        self.fields["team_size"].min_value = 1
        self.fields["team_size"].widget.attrs["min"] = 1
        self.fields["document"] = DocumentField(
            label=self.spec.document, required=not self.instance.document
        )
        if self.instance.document:
            self.fields["document"].help_text = _("已上传：%(name)s。重新上传将替换原文件。") % {
                "name": self.instance.document_name or self.instance.document.name
            }
        keep = {*self.spec.field_names, "note", "document"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for spec in (*self.spec.fields, *self.spec.optional):
            field = self.fields[spec.name]
            field.label = spec.label
            field.required = spec in self.spec.fields
            if spec.help:
                field.help_text = spec.help
        # The fields in the order the spec lists them, then the document and a note.
        self.order_fields([*self.spec.field_names, "document", "note"])

    def clean_credit_code(self):
        code = normalize_uscc(self.cleaned_data.get("credit_code", ""))
        if code:
            validate_uscc(code)
        return code

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("金额不能为负数。"))
        return amount

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class VerifyForm(forms.Form):
    rule = forms.ChoiceField(label=_("认定条款"))
    landed_on = forms.DateField(
        label=_("落地日期"), widget=DATE_WIDGET, validators=[_not_in_future]
    )
    division = DivisionChoiceField(
        label=_("落地镇街（园区）"),
        queryset=Division.objects.order_by("code"),
        help_text=_("成果实际落地所在的镇街或园区，决定计入哪个单位的落地任务。"),
    )
    economic_contribution = MoneyField(label=_("综合经济贡献"), required=False)
    contribution_note = forms.CharField(label=_("贡献测算说明"), max_length=300, required=False)
    note = forms.CharField(
        label=_("核验意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, rules: list[str], preview_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [(r, LandingRule(r).label) for r in rules]
        if preview_url:
            # The credited unit depends on the clause, the date and the division: shown live.
            for name in ("rule", "landed_on", "division"):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": preview_url,
                        "hx-trigger": "change",
                        "hx-target": "#credit-preview",
                        "hx-include": "closest form",
                    }
                )


class ContributionForm(forms.Form):
    amount = MoneyField(label=_("综合经济贡献"))
    note = forms.CharField(
        label=_("贡献测算说明"),
        max_length=300,
        required=False,
        help_text=_("如：年销售收入、纳税、带动投资等测算依据。"),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )
