"""People hook (`achievements.matching.people`): the technology brokers of the library, known
by their fields (擅长领域) and the contracts they brokered."""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from achievements.matching.people import Candidate, PeopleQuery
from kernel.wording import list_separator

from .models import Broker, ContractBroker

KIND = "broker"
LABEL = gettext_lazy("技术经纪人")
ORDER = 20
# Brokers read per way of finding (by words, by field); contracts read per broker found.
BROKERS_READ = 200
CONTRACTS_READ = 2000


def find(query: PeopleQuery, user) -> list[Candidate]:
    library = Broker.objects.in_library()
    ids: list[int] = []
    terms = query.search_words + query.concept_terms
    if terms:
        by_words = reduce(or_, (Q(shares__contract__title__icontains=t) for t in terms))
        ids += (
            library.filter(by_words)
            .order_by("pk")
            .values_list("pk", flat=True)
            .distinct()[:BROKERS_READ]
        )
    if query.field_id:
        ids += (
            library.filter(fields=query.field_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:BROKERS_READ]
        )
    if not ids:
        return []
    brokers = Broker.objects.prefetch_related("fields").in_bulk(set(ids))
    contracts: dict[int, list[str]] = {}
    for broker_id, title in (
        ContractBroker.objects.filter(broker_id__in=list(brokers))
        .order_by("broker_id", "-contract__registered_on")
        .values_list("broker_id", "contract__title")[:CONTRACTS_READ]
    ):
        contracts.setdefault(broker_id, []).append(title)
    found = []
    for pk in sorted(brokers):
        broker = brokers[pk]
        fields = {f.pk: f.name for f in broker.fields.all()}
        done = contracts.get(pk, [])
        personal = user.has_perm("brokers.view_broker_personal", broker)
        found.append(
            Candidate(
                kind=KIND,
                key=f"{KIND}:{pk}",
                name=broker.name,
                affiliation=broker.employer,
                field_ids=set(fields),
                field_names=fields,
                texts=done,
                detail=_("擅长领域：%(fields)s；促成技术合同 %(n)d 项")
                % {"fields": list_separator().join(fields.values()) or "—", "n": len(done)},
                contact={
                    "name": broker.name,
                    "phone": broker.phone if personal else "",
                    "email": broker.email if personal else "",
                    "masked": not personal,
                },
                url=reverse("brokers:broker_detail", args=[pk]),
            )
        )
    return found
