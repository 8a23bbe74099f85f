"""Forms of the discovery library. They validate and render; services write."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kernel.excel import MAX_UPLOAD_BYTES
from kernel.uploads import DocumentField
from kernel.validators import normalize_phone, validate_phone
from kernel.wording import lazy_format
from towns.forms import MoneyField
from towns.models import Unit

from ..choices import (
    AchievementKind,
    CooperationMode,
    CorrectionOutcome,
    FeedbackReason,
    IpType,
    SourceChannel,
)
from ..models import Achievement
from ..selectors.discovery import RECORD_FIELDS, record_field_choices
from ..services.discovery import ATTACHMENT_MAX_BYTES
from ..validators import validate_discovered_on

# How the record form is laid out: (legend, [(field, column width)]).
FIELDSETS = [
    (
        _("基本信息"),
        [("title", 8), ("kind", 4), ("summary", 12), ("field", 4), ("trl", 4), ("holder", 4)],
    ),
    (
        _("知识产权与团队"),
        [("ip_types", 12), ("ip_count", 3), ("ip_numbers", 9), ("team", 12)],
    ),
    (
        _("联系人（仅服务中心与本单位可见）"),
        [("contact_name", 4), ("contact_phone", 4), ("contact_email", 4)],
    ),
    (
        _("经济指标与合作意向"),
        [
            ("expected_contribution", 4),
            ("funding_need", 4),
            ("source_channel", 4),
            ("cooperation_modes", 12),
        ],
    ),
    (
        _("发现与落地"),
        [("landing_division", 4), ("discovered_on", 4), ("is_public", 4), ("notes", 12)],
    ),
]


class AchievementForm(forms.ModelForm):
    """The record as a liaison fills it in; staff also choose the discovering unit."""

    ip_types = forms.MultipleChoiceField(
        label=_("知识产权类型"),
        choices=IpType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "portal-inline-checks"}),
    )
    cooperation_modes = forms.MultipleChoiceField(
        label=_("合作方式"),
        choices=CooperationMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "portal-inline-checks"}),
    )
    expected_contribution = MoneyField(label=_("预期综合经济贡献（万元）"), required=False)
    funding_need = MoneyField(label=_("融资需求（万元）"), required=False)
    confirm_not_duplicate = forms.BooleanField(
        label=_("我已核对上述成果，确认不是重复登记，继续保存"), required=False
    )

    class Meta:
        model = Achievement
        fields = RECORD_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "team": forms.Textarea(attrs={"rows": 3}),
            "ip_numbers": forms.Textarea(
                attrs={"rows": 2, "placeholder": _("如 ZL202310123456.7，多个用顿号分隔")}
            ),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "discovered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }
        help_texts = {
            "is_public": _("勾选后，成果名称、简介等非个人信息可在公开的成果展示区展示。"),
            "trl": _("实验室（1–3）、小试（4–5）、中试（6–7）、量产（8–9）。"),
        }

    def __init__(self, *args, user, duplicates=None, flagged_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicates = duplicates or []
        self.fields["field"].empty_label = _("请选择领域")
        self.fields["kind"].choices = [("", _("请选择类型"))] + list(AchievementKind.choices)
        self.fields["source_channel"].choices = [("", _("请选择来源"))] + list(
            SourceChannel.choices
        )
        self.fields["ip_count"].required = False
        self.fields["trl"].choices = [("", _("请选择"))] + list(self.fields["trl"].choices)[1:]
        self.fields["landing_division"].empty_label = _("暂未确定")
        if user.is_back_office:
            self.fields["discovering_unit"] = forms.ModelChoiceField(
                label=_("发现单位"),
                queryset=Unit.objects.filter(is_active=True),
                initial=self.instance.discovering_unit_id if self.instance.pk else None,
            )
        self.flagged = set(flagged_fields)
        for name in self.flagged & set(self.fields):
            self.fields[name].widget.attrs["class"] = "border-warning"
            self.fields[name].help_text = (
                _("退回意见要求修改此项。") + " " + str(self.fields[name].help_text or "")
            )
        if not self.duplicates:
            self.fields["confirm_not_duplicate"].widget = forms.HiddenInput()
        hint_url = reverse("achievements:achievement_duplicate_hint")
        if self.instance.pk:
            hint_url += f"?exclude={self.instance.pk}"
        # Warn about likely duplicates while the title is typed (htmx), before saving.
        self.fields["title"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": hint_url,
                "hx-trigger": "change, keyup changed delay:700ms",
                "hx-target": "#duplicate-hint",
                "hx-include": "[name='holder'],[name='field']",
                "hx-sync": "this:replace",
            }
        )

    def fieldsets(self):
        sets = [
            (legend, [(self[name], width) for name, width in items]) for legend, items in FIELDSETS
        ]
        if "discovering_unit" in self.fields:
            legend, items = sets[-1]
            sets[-1] = (legend, [(self["discovering_unit"], 4), *items])
        return sets

    def clean_contact_phone(self):
        phone = normalize_phone(self.cleaned_data.get("contact_phone", ""))
        if phone:
            validate_phone(phone)
        return phone

    def clean_ip_count(self):
        return self.cleaned_data.get("ip_count") or 0

    def clean_discovered_on(self):
        value = self.cleaned_data.get("discovered_on")
        validate_discovered_on(value)
        return value


class SendBackForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("退回原因"),
        choices=FeedbackReason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项退回原因。")},
    )
    fields = forms.MultipleChoiceField(
        label=_("需要修改的内容"),
        choices=record_field_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "portal-inline-checks"}),
        help_text=_("勾选的项目会在联络员的编辑页中标出。"),
    )
    message = forms.CharField(
        label=_("退回意见"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("请具体说明需要如何修改，联络员会在通知和成果详情页看到。"),
    )


class CorrectionRequestForm(forms.Form):
    fields = forms.MultipleChoiceField(
        label=_("需要更正的内容"),
        choices=record_field_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "portal-inline-checks"}),
    )
    message = forms.CharField(
        label=_("更正内容及原因"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("请写明哪一项应改为什么，以及原因。服务中心处理后会通知您。"),
    )


class CorrectionResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            (CorrectionOutcome.CORRECTED.value, CorrectionOutcome.CORRECTED.label),
            (CorrectionOutcome.DECLINED.value, CorrectionOutcome.DECLINED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("处理意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == CorrectionOutcome.DECLINED and not data.get("note", "").strip():
            self.add_error("note", _("不予更正时请说明理由。"))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), required=False, max_length=500)


class UnmergeForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=500)


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("保留的成果编号"),
        min_value=1,
        help_text=_("本条成果将并入该成果，两个单位的发现贡献均予保留。"),
    )
    reason = forms.CharField(
        label=_("合并说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachmentForm(forms.Form):
    file = DocumentField(label=_("附件"), max_bytes=ATTACHMENT_MAX_BYTES)
    description = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("如 专利证书、检测报告")}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=lazy_format(
            _("请使用平台模板填写，.xlsx 格式，不超过 %(mb)d MB。"), mb=MAX_UPLOAD_BYTES // 2**20
        ),
        error_messages={
            "required": _("请选择要上传的 Excel 文件。"),
            "empty": _("文件是空的，请选择填写好的 .xlsx 文件。"),
        },
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    submit = forms.TypedChoiceField(
        label=_("导入后"),
        choices=[("1", _("直接提交至成果发现库")), ("0", _("保存为草稿，逐条核对后再提交"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_back_office:
            self.fields["unit"] = forms.ModelChoiceField(
                label=_("发现单位"),
                queryset=Unit.objects.filter(is_active=True),
                help_text=_("导入的成果记在该单位名下。"),
            )
            self.order_fields(["unit", "file", "submit"])
