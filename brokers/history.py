"""The brokers app's records whose page links to their history (`kernel.history`)."""

import rules
from django.urls import reverse

from kernel.history import HistoryKind

from .models import Broker, TechContract

BROKER_PERSONAL_FIELDS = frozenset({"phone", "email", "certificate_file"})


def _broker_masked(user, broker):
    if rules.has_perm("brokers.view_broker_personal", user, broker):
        return frozenset()
    return BROKER_PERSONAL_FIELDS


KINDS = [
    HistoryKind(
        "broker",
        Broker,
        readable=lambda user: Broker.objects.visible_to(user),
        page_url=lambda record: reverse("brokers:broker_detail", args=[record.pk]),
        masked=_broker_masked,
    ),
    HistoryKind(
        "contract",
        TechContract,
        readable=lambda user: TechContract.objects.visible_to(user),
        page_url=lambda record: reverse("brokers:contract_detail", args=[record.pk]),
    ),
]
