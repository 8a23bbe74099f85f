from django import forms
from django.utils.translation import gettext_lazy as _


class ExternalImportForm(forms.Form):
    file = forms.FileField(
        label=_("外地成果表（.xlsx）"),
        help_text=_("每行一项成果；必填列：成果名称、成果简介、所属领域、完成单位、信息来源。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
