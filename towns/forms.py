"""Form rendering shared by every app: Bootstrap classes and errors beside their field."""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


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
