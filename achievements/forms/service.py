from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.wording import with_note
from towns.models import User
from towns.selectors import center_staff

from ..choices import RouteStatus
from ..models import FollowUp, MilestoneTemplate

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        unit = f" · {obj.unit.short_name}" if obj.unit_id else ""
        return with_note(obj.display_name, f"{obj.get_role_display()}{unit}")


class AssignForm(forms.Form):
    assignee = AssigneeChoiceField(
        label=_("责任人"),
        queryset=User.objects.none(),
        empty_label=_("请选择"),
        help_text=_("包干制：每项成果同一时间只有一位责任人，负责对接服务直至落地。"),
    )
    note = forms.CharField(label=_("分配说明"), max_length=300, required=False)

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


class BulkAssignForm(forms.Form):
    """Several cases to one member of service-center staff (a liaison is eligible only for
    their own unit's cases, so is chosen on each case's page)."""

    assignee = AssigneeChoiceField(
        label=_("责任人"),
        queryset=center_staff().select_related("unit").order_by("username"),
        empty_label=_("请选择"),
    )
    note = forms.CharField(label=_("分配说明"), max_length=300, required=False)


class MilestonePlanForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("里程碑模板"), queryset=MilestoneTemplate.objects.none(), empty_label=_("请选择")
    )
    start_on = forms.DateField(
        label=_("计划开始日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = [
            "followed_on",
            "route_status",
            "has_progress",
            "progress",
            "next_step",
            "blockers",
        ]
        widgets = {
            "followed_on": DATE_WIDGET,
            "progress": forms.Textarea(attrs={"rows": 3}),
            "next_step": forms.Textarea(attrs={"rows": 2}),
            "blockers": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The date decides the month of the record; it stays.
            self.fields["followed_on"].disabled = True
        else:
            self.fields["followed_on"].initial = timezone.localdate()
        self.fields["route_status"].choices = [("", _("请选择")), *RouteStatus.choices]


class EscalationInstructForm(forms.Form):
    text = forms.CharField(
        label=_("批示内容"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写批示内容。")},
    )


class EscalationHandleForm(forms.Form):
    resolution = forms.CharField(
        label=_("办结说明"),
        max_length=200,
        help_text=_("如：已协调解决场地问题，转入正常跟踪。"),
        error_messages={"required": _("请填写办结说明。")},
    )
