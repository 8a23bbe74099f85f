"""Hook modules that each portal app may provide, found by name in PORTAL_APPS order.

- `<app>.reference.load_reference(reference_dir)` — loads its reference data (load_reference)
- `<app>.demo.seed(context)` — adds its part of the demo data set (seed_demo); an optional
  `<app>.demo.finish(context)` runs after every app's `seed`
- `<app>.navigation.ITEMS` — its entries in the role-aware navigation
- `<app>.people.find(query, user)` with `KIND`, `LABEL`, `ORDER` — the people it knows who can
  help with a talent demand (`achievements.matching.people`)
"""

from collections.abc import Iterator
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.conf import settings


@cache
def _modules(name: str) -> tuple[ModuleType, ...]:
    found = []
    for app in settings.PORTAL_APPS:
        module_name = f"{app}.{name}"
        if find_spec(module_name) is not None:
            found.append(import_module(module_name))
    return tuple(found)


def portal_modules(name: str) -> Iterator[ModuleType]:
    yield from _modules(name)


class NavItem:
    """One link in the sidebar, shown to the roles named (all signed-in users when empty)."""

    def __init__(self, label, url_name, *, roles=(), section="", icon="circle", order=100):
        self.label = label
        self.url_name = url_name
        self.roles = frozenset(roles)
        self.section = section
        self.icon = icon
        self.order = order

    def visible_to(self, user) -> bool:
        if not user.is_authenticated:
            return False
        return not self.roles or user.role in self.roles


def navigation_for(user) -> list[tuple[str, list[NavItem]]]:
    """The sidebar for one user: (section label, items) in display order."""
    items = [
        item
        for module in portal_modules("navigation")
        for item in module.ITEMS
        if item.visible_to(user)
    ]
    items.sort(key=lambda item: item.order)
    sections: dict[str, list[NavItem]] = {}
    for item in items:
        sections.setdefault(str(item.section), []).append(item)
    return list(sections.items())
