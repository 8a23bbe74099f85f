"""Form rendering shared by every app: Bootstrap classes and errors beside their field."""

from decimal import Decimal

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from .parsing import WAN, ParseError, parse_amount


def _widget_css(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


class PortalBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        classes = [attrs.get("class", ""), widget.attrs.get("class", ""), _widget_css(widget)]
        if self.form.is_bound and self.errors:
            classes.append("is-invalid")
            attrs["aria-invalid"] = "true"
        attrs["class"] = " ".join(c for c in classes if c)
        return attrs


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/portal_form.html"
    field_template_name = "forms/portal_field.html"
    bound_field_class = PortalBoundField


class MoneyField(forms.Field):
    """An amount typed as officials write it — `500`, `500万`, `0.5亿`, `5,000,000元` — kept in
    yuan. A plain number is in 万元 (the unit officials use in forms and sheets)."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("单位：万元。也可填写“0.5亿”“5,000,000元”等。"))
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("maxlength", "40")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            # Plain digits without thousands separators: they read back as 万元.
            text = format(value / WAN, "f")
            return text.rstrip("0").rstrip(".") if "." in text else text
        return value

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError(_("金额过长，请检查。"), code="max_length")
        try:
            return parse_amount(text)
        except ParseError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc
