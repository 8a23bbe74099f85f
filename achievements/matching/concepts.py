"""The concept graph of matching: concepts (`SynonymGroup`) per industry, and the links between a
problem and the technologies that solve it.

`matching_concept_graph.csv` (reference data) holds the starting graph: for every industry of the
taxonomy, concepts that put the words a factory floor uses (鼓包, 看漏, 招不到人) beside the words
achievements use (热失控预警, AOI, 力控打磨), and the concepts each one is related to. Staff extend
it on the vocabulary pages: a concept's terms, its industry and its related concepts.
"""

from pathlib import Path

from django.db import transaction
from django.utils import timezone

from towns.models import Industry, User
from towns.outbox import outbox_enqueue
from towns.reference import read_csv

from ..models import SynonymGroup

GRAPH = Path(__file__).resolve().parent.parent / "reference_data" / "matching_concept_graph.csv"


def graph_rows(path: Path = GRAPH) -> list[dict[str, str]]:
    return read_csv(path)


def split_related(text: str) -> list[str]:
    return [name.strip() for name in (text or "").split("|") if name.strip()]


@transaction.atomic
def load_concept_graph(path: Path = GRAPH) -> int:
    """Create the graph's missing concepts with their industry and links; returns how many were
    created. A concept staff already have (same name) keeps its terms, industry and links: the
    file only adds what is missing, so loading twice leaves the same rows."""
    rows = graph_rows(path)
    industries = {industry.code: industry for industry in Industry.objects.all()}
    existing = set(SynonymGroup.objects.values_list("name", flat=True))
    new_rows = [row for row in rows if row["name"] not in existing]
    created = SynonymGroup.objects.bulk_create(
        [
            SynonymGroup(
                name=row["name"],
                terms=row["terms"],
                note=row["note"],
                industry=industries.get(row["industry"]),
            )
            for row in new_rows
        ]
    )
    by_name = dict(SynonymGroup.objects.values_list("name", "pk"))
    links = SynonymGroup.related.through
    pairs = {
        (by_name[row["name"]], by_name[other])
        for row in new_rows
        for other in split_related(row["related"])
        if other in by_name and other != row["name"]
    }
    # The relation is symmetrical: both directions are rows of the through table.
    pairs |= {(b, a) for a, b in pairs}
    links.objects.bulk_create(
        [links(from_synonymgroup_id=a, to_synonymgroup_id=b) for a, b in sorted(pairs)],
        ignore_conflicts=True,
    )
    return len(created)


@transaction.atomic
def concept_links_save(
    group: SynonymGroup,
    *,
    acting_user: User,
    industry: Industry | None,
    related: list[SynonymGroup],
) -> SynonymGroup:
    """Staff place a concept in the graph: its industry and the concepts it is related to.
    Matching re-reads the vocabulary on its next query (the concept's `updated_at` moves), and
    active demands are re-ranked."""
    from ..tasks.demands import task_vocabulary_changed

    group = SynonymGroup.objects.select_for_update().get(pk=group.pk)
    group.industry = industry
    group.updated_by = acting_user
    group._history_user = acting_user
    group.updated_at = timezone.now()
    group.save()
    group.related.set([other for other in related if other.pk != group.pk])
    outbox_enqueue(task_vocabulary_changed, terms=[])
    return group
