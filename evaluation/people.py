"""People hook (`achievements.matching.people`): the experts (评审专家), known by the fields and
titles of the achievements they evaluated."""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from achievements.matching.people import Candidate, PeopleQuery
from kernel.wording import list_separator
from towns.choices import Role
from towns.models import User

from .models import Score

KIND = "expert"
LABEL = gettext_lazy("评审专家")
ORDER = 10
# Evaluations read per way of finding (by words, by field): bounded whatever the library's size.
EVALUATIONS_READ = 500


def find(query: PeopleQuery, user) -> list[Candidate]:
    scores = Score.objects.filter(evaluator__role=Role.EVALUATOR, evaluator__is_active=True)
    columns = (
        "evaluator_id",
        "item__achievement_id",
        "item__achievement__field_id",
        "item__achievement__field__name",
        "item__achievement__title",
    )
    rows = []
    terms = query.search_words + query.concept_terms
    if terms:
        by_words = reduce(or_, (Q(item__achievement__title__icontains=t) for t in terms))
        rows += scores.filter(by_words).order_by("-pk").values_list(*columns)[:EVALUATIONS_READ]
    if query.field_id:
        rows += (
            scores.filter(item__achievement__field_id=query.field_id)
            .order_by("-pk")
            .values_list(*columns)[:EVALUATIONS_READ]
        )
    if not rows:
        return []
    experts = User.objects.select_related("unit").in_bulk({row[0] for row in rows})
    found: dict[int, Candidate] = {}
    seen: set[tuple[int, int]] = set()
    for evaluator_id, achievement_id, field_id, field_name, title in rows:
        if (evaluator_id, achievement_id) in seen:
            continue
        seen.add((evaluator_id, achievement_id))
        expert = experts[evaluator_id]
        candidate = found.get(evaluator_id)
        if candidate is None:
            candidate = found[evaluator_id] = Candidate(
                kind=KIND,
                key=f"{KIND}:{evaluator_id}",
                name=expert.display_name,
                affiliation=expert.unit.name if expert.unit else expert.title,
                contact=_contact(expert, user),
            )
        candidate.field_ids.add(field_id)
        candidate.field_names[field_id] = field_name
        candidate.texts.append(title)
    for candidate in found.values():
        candidate.detail = _("评审过 %(n)d 项相关成果（%(fields)s）") % {
            "n": len(candidate.texts),
            "fields": list_separator().join(sorted(candidate.field_names.values())),
        }
    return list(found.values())


def _contact(expert: User, user) -> dict:
    """An expert's phone and email are for the back office only."""
    if user.is_back_office:
        return {
            "name": expert.display_name,
            "phone": expert.phone,
            "email": expert.email,
            "masked": False,
        }
    return {"name": expert.display_name, "phone": "", "email": "", "masked": True}
