from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DiscoveryTargetsForm(forms.Form):
    """One target and one innovation-strong box per unit, for one year."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for unit, target, strong in rows:
            target_name, strong_name = f"target_{unit.pk}", f"strong_{unit.pk}"
            self.fields[target_name] = forms.IntegerField(
                label=_("%(unit)s 发现目标") % {"unit": unit.name},
                min_value=0,
                max_value=100000,
                required=False,
                initial=target,
                widget=forms.NumberInput(attrs={"class": "form-control-sm text-end"}),
            )
            self.fields[strong_name] = forms.BooleanField(
                label=_("创新强镇"), required=False, initial=strong
            )
            self.rows.append((unit, self[target_name], self[strong_name]))

    def targets(self) -> dict[int, tuple[int | None, bool]]:
        return {
            unit.pk: (
                self.cleaned_data[f"target_{unit.pk}"],
                self.cleaned_data[f"strong_{unit.pk}"],
            )
            for unit, _target, _strong in self.rows
        }


class LandingQuotasForm(forms.Form):
    """One quota and one direction note per unit, for one year."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for unit, quota in rows:
            quota_name, direction_name = f"quota_{unit.pk}", f"direction_{unit.pk}"
            self.fields[quota_name] = forms.IntegerField(
                label=_("%(unit)s 落地任务") % {"unit": unit.name},
                min_value=0,
                max_value=10000,
                required=False,
                initial=quota.quota if quota else None,
                widget=forms.NumberInput(attrs={"class": "form-control-sm text-end"}),
            )
            self.fields[direction_name] = forms.CharField(
                label=_("%(unit)s 落地方向") % {"unit": unit.name},
                max_length=200,
                required=False,
                initial=quota.direction if quota else "",
                # Directions run to a sentence (“围绕入库的重大科技项目…进行落地服务”): the whole of it
                # stays readable.
                widget=forms.Textarea(
                    attrs={"class": "form-control-sm portal-direction", "rows": 2}
                ),
            )
            self.rows.append((unit, quota, self[quota_name], self[direction_name]))

    def quotas(self) -> dict[int, tuple[int | None, str]]:
        return {
            unit.pk: (
                self.cleaned_data[f"quota_{unit.pk}"],
                self.cleaned_data[f"direction_{unit.pk}"].strip(),
            )
            for unit, _quota, _q, _d in self.rows
        }


class ReportRequestForm(forms.Form):
    """A report on demand for any date range."""

    start = forms.DateField(
        label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("截止日期不能早于起始日期。"))
            elif end > timezone.localdate():
                self.add_error("end", _("截止日期不能晚于今天。"))
            elif (end - start).days > 366:
                self.add_error("end", _("报告期间不能超过一年。"))
        return data
