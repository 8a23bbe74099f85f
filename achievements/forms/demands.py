from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from towns.forms import MoneyField, PhoneField
from towns.models import Industry

from ..choices import DemandKind, InquiryStatus
from ..models import Demand, SynonymGroup
from ..services.demands import DEMAND_FIELDS
from ..validators import validate_budget_range


class DemandForm(forms.ModelForm):
    budget_min = MoneyField(label=_("预算下限"), required=False)
    budget_max = MoneyField(
        label=_("预算上限"), required=False, help_text=_("单位：万元。可只填上限。")
    )
    contact_phone = PhoneField(label=_("联系电话"))
    kind = forms.ChoiceField(
        label=_("需求类型"), choices=DemandKind.choices, initial=DemandKind.TECHNOLOGY
    )

    class Meta:
        model = Demand
        fields = list(DEMAND_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "title": forms.TextInput(attrs={"placeholder": _("如：注塑件表面缩痕，良品率上不去")}),
        }

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate() and "deadline" in self.changed_data:
            raise forms.ValidationError(_("期望解决时间不能早于今天。"))
        return deadline

    def clean(self):
        cleaned = super().clean()
        try:
            validate_budget_range(cleaned.get("budget_min"), cleaned.get("budget_max"))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, required=True, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if label:
            self.fields["reason"].label = label


class ProposeForm(forms.Form):
    note = forms.CharField(
        label=_("推荐说明"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("写给企业：为什么推荐这项成果（可不填）。"),
    )


class SynonymGroupForm(forms.ModelForm):
    class Meta:
        model = SynonymGroup
        fields = ["name", "terms", "note", "is_active"]
        widgets = {"terms": forms.Textarea(attrs={"rows": 4})}


class ConceptLinksForm(forms.Form):
    """A concept's place in the concept graph: its industry and related concepts."""

    industry = forms.ModelChoiceField(
        label=_("所属产业"), queryset=Industry.objects.order_by("code"), required=False
    )
    related = forms.ModelMultipleChoiceField(
        label=_("关联概念"),
        queryset=SynonymGroup.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_(
            "问题与解决它的技术互相关联：需求提到其中一个概念时，也会找到另一个概念的成果。"
        ),
    )

    def __init__(self, *args, group: SynonymGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related"].queryset = SynonymGroup.objects.exclude(pk=group.pk).order_by("name")
        if not self.is_bound:
            self.initial = {"industry": group.industry_id, "related": list(group.related.all())}


class InquiryForm(forms.Form):
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = PhoneField(label=_("联系电话"))
    message = forms.CharField(
        label=_("合作意向说明"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("想了解什么、打算怎样合作（可不填）。"),
    )


class InquiryFollowUpForm(forms.Form):
    status = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            (InquiryStatus.FOLLOWING, _("继续跟进")),
            (InquiryStatus.CLOSED, _("已办结")),
        ],
    )
    note = forms.CharField(
        label=_("跟进情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
