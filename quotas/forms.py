from django import forms
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
