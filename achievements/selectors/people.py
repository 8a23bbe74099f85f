"""Reads for talent demands (人才需求): the people who can help, per kind, best first."""

from dataclasses import dataclass

from towns.models import User

from .. import matching
from ..matching.people import (
    PEOPLE_PER_KIND,
    PeopleQuery,
    PersonMatch,
    explanation_text,
    rank_people,
)
from ..models import Demand


@dataclass
class PeopleGroup:
    kind: str
    label: str
    people: list[PersonMatch]


def demand_people(
    demand: Demand, user: User, *, per_kind: int = PEOPLE_PER_KIND
) -> list[PeopleGroup]:
    """Experts, brokers and achievement teams for a demand (the caller checks that the user may
    review the demand's matches; each source decides what the user sees of its people)."""
    vocabulary = matching.vocabulary()
    if demand.match_profile:
        query = matching.DemandQuery.from_json(demand.match_profile)
    else:
        query = matching.DemandQuery.build(
            vocabulary,
            title=demand.title,
            description=demand.description,
            field=demand.field,
            division=demand.division,
        )
    groups = []
    for source, people in rank_people(
        PeopleQuery(demand_id=demand.pk, query=query, vocabulary=vocabulary),
        user,
        per_kind=per_kind,
    ):
        for person in people:
            person.explanation_text = explanation_text(person.explanation)
        groups.append(PeopleGroup(kind=source.KIND, label=str(source.LABEL), people=people))
    return groups
