from django import forms
from django.utils.translation import gettext_lazy as _

from towns.forms import MoneyField, PhoneField
from towns.models import Enterprise

from ..choices import EventOutcomeKind
from ..models import Achievement, EventRegistration, MatchmakingEvent


class EventForm(forms.ModelForm):
    total_spend = MoneyField(label=_("活动总支出"), required=False)
    achievements = forms.ModelMultipleChoiceField(
        label=_("路演成果"),
        queryset=Achievement.objects.discovered().order_by("title"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("按住 Ctrl 可多选。"),
    )

    class Meta:
        model = MatchmakingEvent
        fields = [
            "title",
            "held_on",
            "place",
            "division",
            "organizer",
            "registration_deadline",
            "fields",
            "achievements",
            "description",
            "total_spend",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "registration_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "fields": forms.SelectMultiple(attrs={"size": 8}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].empty_label = _("请选择")

    def clean(self):
        cleaned = super().clean()
        deadline, held_on = cleaned.get("registration_deadline"), cleaned.get("held_on")
        if deadline and held_on and deadline > held_on:
            self.add_error("registration_deadline", _("报名截止日期不能晚于举办日期。"))
        return cleaned


class EventRegistrationForm(forms.ModelForm):
    attendee_phone = PhoneField(label=_("联系电话"))

    class Meta:
        model = EventRegistration
        fields = ["attendee_name", "attendee_phone", "attendees", "interests"]
        widgets = {"attendees": forms.NumberInput(attrs={"min": 1, "max": 20})}


class EventOutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("成效类型"), choices=EventOutcomeKind.choices)
    enterprise = forms.ModelChoiceField(
        label=_("报名企业"),
        queryset=Enterprise.objects.none(),
        required=False,
        empty_label=_("（未在平台报名的企业）"),
    )
    enterprise_name = forms.CharField(
        label=_("或企业名称"),
        max_length=100,
        required=False,
        help_text=_("未在平台注册的企业填写名称。"),
    )
    achievement = forms.ModelChoiceField(
        label=_("相关成果"),
        queryset=Achievement.objects.none(),
        required=False,
        empty_label=_("（不限于路演成果）"),
    )
    amount = MoneyField(
        label=_("金额"), required=False, help_text=_("签约金额或意向金额，单位：万元。")
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, event: MatchmakingEvent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(
            pk__in=event.registrations.values("enterprise")
        )
        self.fields["achievement"].queryset = event.achievements.all()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("enterprise") and not (cleaned.get("enterprise_name") or "").strip():
            self.add_error("enterprise_name", _("请选择报名企业或填写企业名称。"))
        return cleaned


class EventCancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=300)
