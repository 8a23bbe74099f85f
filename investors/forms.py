from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brokers.choices import InvestmentRound
from brokers.models import Fund
from towns.forms import MoneyField


class InterestForm(forms.Form):
    intended_amount = MoneyField(label=_("拟投资金额"), required=False)
    note = forms.CharField(
        label=_("意向说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("关注点、拟投资方式、希望了解的情况等。"),
    )


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DockingArrangeForm(forms.Form):
    meeting_on = forms.DateField(label=_("对接日期"), widget=_date_input())
    place = forms.CharField(label=_("对接地点"), max_length=200, required=False)
    participants = forms.CharField(
        label=_("参会人员"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("创投机构、成果方、服务中心各方参会人员。"),
    )


class DockingMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("实际对接日期"), widget=_date_input())
    participants = forms.CharField(
        label=_("参会人员"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.CharField(
        label=_("对接结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, docking=None, **kwargs):
        super().__init__(*args, **kwargs)
        if docking is not None and not self.is_bound:
            self.initial.setdefault("held_on", min(docking.meeting_on, timezone.localdate()))
            self.initial.setdefault("participants", docking.participants)


class DockingInvestmentForm(forms.Form):
    round = forms.ChoiceField(label=_("融资轮次"), choices=InvestmentRound.choices)
    amount = MoneyField(label=_("投资金额"))
    invested_on = forms.DateField(label=_("投资日期"), widget=_date_input())
    fund = forms.ModelChoiceField(
        label=_("出资基金"),
        queryset=Fund.objects.all(),
        required=False,
        empty_label=_("不经天使母基金和子基金"),
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("投资金额应大于0。"))
        return amount


class DockingReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
