from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from achievements.models import Achievement
from kernel.uploads import DocumentField
from kernel.wording import list_separator, with_note
from towns.choices import Role
from towns.forms import MoneyField
from towns.models import User

from .choices import LandingForm, RecommenderKind, ThreeHave
from .models import REVIEW_RESULT_FIELDS, Batch, BatchItem, FastTrackReview

# Sub-item rows offered per criterion on the criteria page; blank rows are ignored.
SUB_ITEM_ROWS = 5
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CheckboxList(forms.CheckboxSelectMultiple):
    """Bootstrap `form-check` boxes side by side, each with its own label."""

    template_name = "evaluation/widgets/checkbox_list.html"
    option_template_name = "evaluation/widgets/checkbox_option.html"


def _person_label(user: User) -> str:
    unit = f" · {user.unit.short_name}" if user.unit_id else ""
    title = f"{list_separator()}{user.title}" if user.title else ""
    return with_note(user.display_name, f"{user.get_role_display()}{unit}{title}")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _person_label(obj)


class AchievementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return with_note(
            obj.title, f"{obj.discovering_unit.short_name} · {obj.get_status_display()}"
        )


# --- Batches ------------------------------------------------------------------------------------


class BatchForm(forms.ModelForm):
    evaluators = PeopleChoiceField(
        label=_("评审专家"),
        queryset=User.objects.filter(role=Role.EVALUATOR, is_active=True).select_related("unit"),
        widget=CheckboxList,
        help_text=_("每位专家只能看到并评审自己参加的批次。"),
    )

    class Meta:
        model = Batch
        fields = ["year", "name", "institution", "threshold", "evaluators", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
        else:
            # The year is part of the batch's name; it does not change afterwards.
            self.fields["year"].disabled = True
        self.fields["threshold"].widget.attrs.update({"step": "0.01", "min": "0", "max": "100"})


class CriteriaForm(forms.Form):
    """The weight of each criterion and its weighted sub-items (rows left blank are ignored)."""

    def __init__(self, *args, batch: Batch, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(batch.criteria.prefetch_related("items"))
        for criterion in self.criteria:
            code = criterion.criterion
            self.fields[f"{code}-weight"] = forms.DecimalField(
                label=_("%(name)s权重") % {"name": criterion.get_criterion_display()},
                min_value=Decimal("0.01"),
                max_digits=6,
                decimal_places=2,
                initial=criterion.weight,
            )
            items = list(criterion.items.all())
            for row in range(SUB_ITEM_ROWS):
                item = items[row] if row < len(items) else None
                self.fields[f"{code}-name-{row}"] = forms.CharField(
                    label=_("子项名称"),
                    max_length=60,
                    required=False,
                    initial=item.name if item else "",
                )
                self.fields[f"{code}-subweight-{row}"] = forms.DecimalField(
                    label=_("子项权重"),
                    min_value=Decimal("0.01"),
                    max_digits=6,
                    decimal_places=2,
                    required=False,
                    initial=item.weight if item else None,
                )

    def rows(self):
        """For the template: each criterion with its weight field and sub-item rows."""
        for criterion in self.criteria:
            code = criterion.criterion
            yield (
                criterion,
                self[f"{code}-weight"],
                [
                    (self[f"{code}-name-{row}"], self[f"{code}-subweight-{row}"])
                    for row in range(SUB_ITEM_ROWS)
                ],
            )

    def clean(self):
        cleaned = super().clean()
        self.weights, self.items = {}, {}
        for criterion in self.criteria:
            code = criterion.criterion
            self.weights[code] = cleaned.get(f"{code}-weight")
            rows = []
            for row in range(SUB_ITEM_ROWS):
                name = (cleaned.get(f"{code}-name-{row}") or "").strip()
                weight = cleaned.get(f"{code}-subweight-{row}")
                if name and weight is None:
                    self.add_error(f"{code}-subweight-{row}", _("请填写该子项的权重。"))
                elif weight is not None and not name:
                    self.add_error(f"{code}-name-{row}", _("请填写子项名称。"))
                elif name:
                    rows.append((name, weight))
            if not rows:
                self.add_error(
                    f"{code}-name-0",
                    _("“%(name)s”至少需要一个评分子项。")
                    % {"name": criterion.get_criterion_display()},
                )
            self.items[code] = rows
        return cleaned


class AddAchievementsForm(forms.Form):
    achievements = forms.ModelMultipleChoiceField(
        label=_("成果"), queryset=Achievement.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievements"].queryset = eligible
        self.fields["achievements"].error_messages["required"] = _("请至少勾选一项成果。")


class ScoreForm(forms.Form):
    """One evaluator's scores for one achievement: every sub-item 0–100, the “3有”, comments."""

    haves = forms.MultipleChoiceField(
        label=_("“3有”判断"),
        choices=ThreeHave.choices,
        widget=CheckboxList,
        required=False,
        help_text=_("两年内是否有市场需求、有创新价值、有经济贡献；三项均满足方可入选。"),
    )
    comment = forms.CharField(
        label=_("评审意见"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("请写明主要优势、不足及落地建议。"),
    )

    def __init__(self, *args, batch: Batch, score=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(batch.criteria.prefetch_related("items"))
        existing = {}
        if score is not None:
            existing = {s.scoring_item_id: s.value for s in score.sub_scores.all()}
            self.fields["haves"].initial = [
                code for code in ThreeHave.values if getattr(score, code)
            ]
            self.fields["comment"].initial = score.comment
        for criterion in self.criteria:
            items = list(criterion.items.all())
            # A criterion scored as a whole (its one sub-item bears its name): just "得分".
            whole = len(items) == 1 and items[0].name == criterion.get_criterion_display()
            for item in items:
                self.fields[f"item-{item.pk}"] = forms.DecimalField(
                    label=_("得分") if whole else item.name,
                    min_value=0,
                    max_value=100,
                    max_digits=5,
                    decimal_places=1,
                    initial=existing.get(item.pk),
                    widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "100"}),
                )
        # Keep the “3有” and the comment after the scores.
        self.order_fields([name for name in self.fields if name.startswith("item-")])

    def groups(self):
        for criterion in self.criteria:
            yield criterion, [self[f"item-{item.pk}"] for item in criterion.items.all()]

    @property
    def values(self) -> dict[int, Decimal]:
        return {
            int(name.removeprefix("item-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("item-")
        }


class ConfirmForm(forms.Form):
    """Staff confirm each achievement's result; the proposal is ticked already."""

    def __init__(self, *args, items: list[BatchItem], default_reasons: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"select-{item.pk}"] = forms.BooleanField(
                label=_("入选"), required=False, initial=item.proposed
            )
            self.fields[f"reason-{item.pk}"] = forms.CharField(
                label=_("未入选原因"),
                required=False,
                max_length=500,
                initial="" if item.proposed else default_reasons.get(item.pk, ""),
                widget=forms.TextInput(attrs={"placeholder": _("未入选时必填，联络员可见")}),
            )

    def rows(self):
        for item in self.items:
            yield item, self[f"select-{item.pk}"], self[f"reason-{item.pk}"]

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            if (
                not cleaned.get(f"select-{item.pk}")
                and not (cleaned.get(f"reason-{item.pk}") or "").strip()
            ):
                self.add_error(f"reason-{item.pk}", _("请填写未入选原因。"))
        return cleaned

    @property
    def decisions(self) -> dict[int, tuple[bool, str]]:
        return {
            item.pk: (
                bool(self.cleaned_data.get(f"select-{item.pk}")),
                self.cleaned_data.get(f"reason-{item.pk}", ""),
            )
            for item in self.items
        }


# --- Recommendation, review, valuation ----------------------------------------------------------


class AchievementPicker(forms.Widget):
    """Search as you type (htmx) over the achievements one may pick, a page at a time, each a
    radio button of the form; without JavaScript, the search is sent with the form."""

    template_name = "evaluation/widgets/achievement_picker.html"

    def __init__(self, *, search_url: str, page_obj, chosen, query: str = "", attrs=None):
        super().__init__(attrs)
        self.search_url = search_url
        self.page_obj = page_obj
        self.chosen = chosen
        self.query = query

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context.update(
            search_url=self.search_url,
            page_obj=self.page_obj,
            chosen=self.chosen,
            query=self.query,
        )
        return context

    def use_required_attribute(self, initial):
        return False


class AchievementPickMixin(forms.Form):
    """The achievement an action is about: any the user may pick for it (`achievements`),
    chosen with the picker the view passes (`picker`)."""

    def __init__(self, *args, achievements, picker=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievement"] = AchievementChoiceField(
            label=_("科技成果"),
            queryset=achievements,
            empty_label=_("请选择成果"),
            widget=picker,
        )
        self.order_fields(["achievement"])


class RecommendationForm(AchievementPickMixin, forms.Form):
    recommender_kind = forms.ChoiceField(label=_("推荐单位类型"), choices=RecommenderKind.choices)
    recommender_name = forms.CharField(label=_("推荐单位"), max_length=100)
    letter = DocumentField(label=_("推荐函（盖章扫描件）"))
    letter_date = forms.DateField(label=_("推荐函日期"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("推荐理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("摘录推荐函的主要理由。"),
    )

    def clean_letter_date(self):
        value = self.cleaned_data["letter_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("推荐函日期不能晚于今天。"))
        return value


class FastTrackOpenForm(AchievementPickMixin, forms.Form):
    reviewer = PersonChoiceField(
        label=_("承办人"),
        queryset=User.objects.filter(role=Role.CENTER_STAFF, is_active=True).select_related("unit"),
        empty_label=None,
    )
    request_note = forms.CharField(
        label=_("评价需求"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如意向落地镇街、企业诉求、需协调的事项。"),
    )


class FastTrackCompleteForm(forms.ModelForm):
    """Every suggestion is concrete and carries its numbers."""

    policy_support_amount = MoneyField(label=_("建议政策支持金额"))
    expected_investment = MoneyField(label=_("预计投资额"), required=False)

    class Meta:
        model = FastTrackReview
        fields = REVIEW_RESULT_FIELDS
        widgets = {
            "policy_suggestion": forms.Textarea(attrs={"rows": 3}),
            "carrier_suggestion": forms.Textarea(attrs={"rows": 3}),
            "form_suggestion": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "policy_suggestion": _(
                "适用的政策条款、支持方式与额度，如“产业化项目最高500万元资助”。"
            ),
            "carrier_suggestion": _("载体类型、所在镇街、面积与租金条件。"),
            "form_suggestion": _("落地路径、合作方、时间节点。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in [
            "policy_suggestion",
            "carrier_suggestion",
            "carrier_name",
            "carrier_area",
            "landing_form",
            "form_suggestion",
            "expected_months",
        ]:
            self.fields[name].required = True
        self.fields["landing_form"].choices = [("", _("请选择")), *LandingForm.choices]
        self.fields["carrier_area"].min_value = 0
        self.fields["expected_months"].widget.attrs["min"] = "1"

    def clean_expected_months(self):
        value = self.cleaned_data["expected_months"]
        if value is not None and value < 1:
            raise forms.ValidationError(_("预计落地周期至少为 1 个月。"))
        return value


class ValuationRequestForm(AchievementPickMixin, forms.Form):
    agency = forms.CharField(label=_("评估机构"), max_length=100)
    requested_on = forms.DateField(
        label=_("委托日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    request_note = forms.CharField(
        label=_("委托事项"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ValuationCompleteForm(forms.Form):
    report = DocumentField(label=_("评估报告"))
    value = MoneyField(label=_("评估价值"))
    valued_on = forms.DateField(label=_("评估基准日"), widget=DATE_WIDGET)

    def clean_valued_on(self):
        value = self.cleaned_data["valued_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("评估基准日不能晚于今天。"))
        return value

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("评估价值应大于 0。"))
        return value


class ValuationCancelForm(forms.Form):
    cancel_reason = forms.CharField(label=_("撤销原因"), max_length=200)
