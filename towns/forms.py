"""Form rendering shared by every app: Bootstrap classes and errors beside their field."""

from decimal import Decimal

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.validators import RegexValidator
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from kernel.parsing import WAN, ParseError, parse_amount
from kernel.validators import normalize_phone, normalize_uscc, validate_phone, validate_uscc

from .choices import EnterpriseKind
from .models import Division, Enterprise, Industry, User


def _widget_css(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


# Django's empty choice of a select; the portal says 请选择 (“Please choose”) instead.
DJANGO_BLANK = "---------"


def _choose_prompt(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField) and field.empty_label == DJANGO_BLANK:
        field.empty_label = _("请选择")
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices = list(field.choices)
        if choices and choices[0] == ("", DJANGO_BLANK):
            field.choices = [("", _("请选择")), *choices[1:]]


class PortalBoundField(BoundField):
    def __init__(self, form, field, name):
        _choose_prompt(field)  # the form's own copy of the field
        super().__init__(form, field, name)

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


class PhoneField(forms.CharField):
    """A mobile or landline number as people type it (full-width digits, spaces, brackets),
    kept normalised (`0769-22222222`, `13800138000`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "tel")

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        phone = normalize_phone(value)
        validate_phone(phone)
        return phone


class EnterpriseRegistrationForm(forms.Form):
    """Self-registration of a company or a venture-capital institution: the organisation, its
    contact, and the account to sign in."""

    kind = forms.ChoiceField(
        label=_("注册类型"),
        choices=EnterpriseKind.choices,
        initial=EnterpriseKind.COMPANY,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("创投机构注册后可浏览服务库待落地成果的评价摘要，并表达投资意向。"),
    )
    name = forms.CharField(
        label=_("企业名称"), max_length=100, help_text=_("创投机构填写机构全称。")
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=24,
        help_text=_("18位，见营业执照。"),
    )
    division = forms.ModelChoiceField(
        label=_("所在镇街（园区）"), queryset=None, empty_label=_("请选择")
    )
    industry = forms.ModelChoiceField(
        label=_("所属领域"), queryset=None, required=False, empty_label=_("请选择")
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = PhoneField(label=_("联系电话"))
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    username = forms.CharField(
        label=_("登录用户名"),
        max_length=30,
        help_text=_("字母、数字或下划线，用于登录。"),
        validators=[
            RegexValidator(r"^[A-Za-z0-9_]{3,30}$", _("用户名应为3–30位字母、数字或下划线。"))
        ],
    )
    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.all()
        self.fields["industry"].queryset = Industry.objects.all()

    def clean_kind(self):
        return self.cleaned_data.get("kind") or EnterpriseKind.COMPANY

    def clean_credit_code(self):
        code = normalize_uscc(self.cleaned_data["credit_code"])
        validate_uscc(code)
        if Enterprise.objects.filter(credit_code=code).exists():
            raise forms.ValidationError(
                _("该统一社会信用代码已注册。如需为本企业增加账号，请联系服务中心。")
            )
        return code

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该用户名已被使用，请换一个。"))
        return username

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif password1:
            probe = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EnterpriseReviewForm(forms.Form):
    note = forms.CharField(label=_("审核意见"), max_length=300, required=False)
