"""The achievement detail page is a column of cards that each part of the life contributes.

A part registers its cards once (at import of its views module):

    register_card(DetailCard("evaluation", "achievements/evaluation/_card.html", order=400,
                             context=evaluation_card_context))

`context(request, achievement)` returns the card's template context, or None to hide the card
(for a role that may not see it, or when there is nothing to show). Cards render in `order`,
in the `main` column or the narrow `side` column.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

MAIN = "main"
SIDE = "side"


def _always(request, achievement) -> dict:
    return {}


@dataclass(frozen=True)
class DetailCard:
    name: str
    template: str
    order: int = 500
    column: str = MAIN
    context: Callable[[HttpRequest, object], dict | None] = field(default=_always)


_CARDS: dict[str, DetailCard] = {}


def register_card(card: DetailCard) -> DetailCard:
    """Add (or replace, by name) a card of the detail page."""
    _CARDS[card.name] = card
    return card


def unregister_card(name: str) -> None:
    _CARDS.pop(name, None)


def registered_cards() -> list[DetailCard]:
    return sorted(_CARDS.values(), key=lambda card: (card.order, card.name))


def render_cards(request: HttpRequest, achievement, base: dict) -> dict[str, list[SafeString]]:
    """The HTML of each visible card, by column."""
    columns: dict[str, list[SafeString]] = {MAIN: [], SIDE: []}
    for card in registered_cards():
        extra = card.context(request, achievement)
        if extra is None:
            continue
        html = render_to_string(card.template, {**base, **extra, "card": card}, request=request)
        columns.setdefault(card.column, []).append(SafeString(html))
    return columns
