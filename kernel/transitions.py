"""The one way a record's status changes: `transition(obj, to=…, acting_user=…, reason=…)`.

Each workflow model declares its allowed steps once, as `TRANSITIONS = {target: {sources}}` on the
model class. `transition` then

1. locks the record's row (SELECT … FOR UPDATE) and reads its current status again,
2. refuses with `Refused` (a Chinese message) unless the step is allowed — from the declared
   sources, or from the narrower `allowed_from` a service passes,
3. runs the caller's `check(locked)` under the lock: other preconditions (it raises), or
   fields computed from the locked row (it sets them),
4. sets the status and the other `changes`, and saves with who and why in the record's history
   (django-simple-history: history_user, history_date, history_change_reason — the one log
   shape); a model that keeps its own transition table adds a row to it (`log_transition`).

`workflow_diagram(model)` draws the declared steps as a Mermaid state diagram; the README shows one
per workflow, and a test holds them equal to the declarations.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.translation import gettext as _

from .exceptions import Refused

M = TypeVar("M", bound=models.Model)

# simple-history keeps 100 characters of the reason; a transition table keeps the whole text.
HISTORY_REASON_CHARS = 100


def declared(model: type[models.Model]) -> Mapping[str, frozenset[str]]:
    """The model's declared steps: target status → the statuses it may be reached from."""
    steps = getattr(model, "TRANSITIONS", None)
    if not steps:
        raise ImproperlyConfigured(f"{model.__name__} declares no TRANSITIONS")
    return {str(to): frozenset(str(s) for s in sources) for to, sources in steps.items()}


def status_field(model: type[models.Model]) -> str:
    """The field the steps move: `status`, unless the model names another (TRANSITION_FIELD)."""
    return getattr(model, "TRANSITION_FIELD", "status")


def _choices(model: type[models.Model], field: str) -> list[tuple[str, Any]]:
    return list(getattr(model._meta.get_field(field), "choices", None) or ())


def _label(model: type[models.Model], field: str, value: str) -> str:
    choices = dict(_choices(model, field))
    return str(choices.get(value, value))


def refusal_message(current_label: str, *, target_label: str = "", refusal: str = "") -> str:
    """“当前状态为“X”，不能变更为“Y”。”, or “当前状态为“X”，<refusal>” when the step has its own
    words (“不能确认入选名单。”)."""
    if refusal:
        return _("当前状态为“%(current)s”，%(message)s") % {
            "current": current_label,
            "message": refusal,
        }
    return _("当前状态为“%(current)s”，不能变更为“%(target)s”。") % {
        "current": current_label,
        "target": target_label,
    }


@transaction.atomic
def transition(
    obj: M,
    *,
    to: str,
    acting_user: Any,
    reason: str = "",
    allowed_from: Iterable[str] | None = None,
    refusal: str = "",
    refused: Callable[[M], str] | None = None,
    check: Callable[[M], None] | None = None,
    queryset: models.QuerySet[Any] | None = None,
    clean: bool | Iterable[str] = False,
    **changes: Any,
) -> M:
    """Move `obj` to the status `to` under a row lock, or refuse; returns the saved, locked row.

    `allowed_from` narrows the declared sources for this step (a service that allows less);
    `refusal` words the refusal (“不能确认入选名单。”), `refused(locked)` writes all of it; `queryset` is where the row is
    locked from (default: the model's manager; e.g. with select_related); `clean` runs
    full_clean before saving (True, or the fields to exclude); `changes` are other fields set with the status.
    """
    model = type(obj)
    field = status_field(model)
    steps = declared(model)
    to = str(to)
    if to not in steps:
        raise ImproperlyConfigured(f"{model.__name__}: no declared step to {to!r}")
    allowed = steps[to] if allowed_from is None else frozenset(str(s) for s in allowed_from)
    if not allowed <= steps[to]:
        raise ImproperlyConfigured(
            f"{model.__name__}: {sorted(allowed - steps[to])} → {to!r} is not declared"
        )
    source = queryset if queryset is not None else model._default_manager
    locked = source.select_for_update().get(pk=obj.pk)
    current = getattr(locked, field)
    if current not in allowed:
        if refused is not None:
            raise Refused(refused(locked))
        raise Refused(
            refusal_message(
                _label(model, field, current),
                target_label=_label(model, field, to),
                refusal=refusal,
            )
        )
    if check is not None:
        check(locked)
    setattr(locked, field, to)
    for name, value in changes.items():
        setattr(locked, name, value)
    if clean:
        locked.full_clean(exclude=None if clean is True else list(clean))
    text = reason or f"{_label(model, field, current)} → {_label(model, field, to)}"
    recorded: Any = locked  # django-simple-history reads these two attributes on save
    recorded._history_user = acting_user
    recorded._change_reason = str(text)[:HISTORY_REASON_CHARS]
    locked.save()
    log = getattr(locked, "log_transition", None)
    if log is not None:
        log(from_status=current, to_status=to, actor=acting_user, reason=reason)
    return locked


def workflow_diagram(model: type[models.Model]) -> str:
    """The declared steps as a Mermaid state diagram (status labels as the pages show them)."""
    field = status_field(model)
    steps = declared(model)
    used = set(steps) | {source for sources in steps.values() for source in sources}
    lines = ["stateDiagram-v2"]
    for value, label in _choices(model, field):
        if value in used:
            lines.append(f"    {value}: {label}")
    for to, sources in steps.items():
        lines.extend(f"    {source} --> {to}" for source in sorted(sources))
    return "\n".join(lines)


def workflow_models() -> list[type[models.Model]]:
    """Every installed model that declares TRANSITIONS, in app and model order."""
    from django.apps import apps

    return [model for model in apps.get_models() if getattr(model, "TRANSITIONS", None)]


def workflows_markdown() -> str:
    """The README's workflow diagrams: one Mermaid block per declaring model."""
    parts = []
    for model in workflow_models():
        parts.append(
            f"**{model._meta.verbose_name}** (`{model._meta.label}.{status_field(model)}`)\n\n"
            f"```mermaid\n{workflow_diagram(model)}\n```"
        )
    return "\n\n".join(parts)
