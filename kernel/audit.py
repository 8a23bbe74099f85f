"""The audit trail: every change to every business record (django-simple-history), read back
for admins as who, when, what kind of change and each field's value before and after.

Every model of the portal's apps keeps history, except the few listed in `NOT_AUDITED` with the
reason (tests/test_audit_trail.py fails for a new model that neither keeps history nor is listed).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .history import list_choices
from .money import format_yuan
from .validators import validate_amount

# label -> why it keeps no history of its own.
NOT_AUDITED = {
    "towns.Notification": "消息通知：发给个人的提醒，不是业务记录",
    "towns.OutboxMessage": "待投递任务：技术性队列记录",
    "towns.WebhookDelivery": "群机器人推送记录：技术性投递记录",
    "towns.BackgroundJob": "后台任务：导出、报告等长时间工作的进度记录，不是业务记录",
    "towns.NotificationDigest": "每日通知汇总：发给个人的提醒，不是业务记录",
    "achievements.AchievementTransition": "状态流转日志：本身就是只追加的审计记录",
    "achievements.DemandTransition": "状态流转日志：本身就是只追加的审计记录",
    "brokers.BrokerReview": "审核流转日志：本身就是只追加的审计记录",
    "investors.DockingTransition": "状态流转日志：本身就是只追加的审计记录",
    "achievements.MatchTerm": "匹配索引：由成果内容计算生成，可随时重建",
    "achievements.MatchPosting": "匹配索引：由成果内容计算生成，可随时重建",
    "achievements.MatchDocument": "匹配索引：由成果内容计算生成，可随时重建",
    "achievements.MatchLearning": "匹配学习权重：由中心的推荐决定计算生成，可随时重算",
    "achievements.FollowUpReminder": "跟踪提醒：只增不改的催办记录，本身记下了提醒人、责任人和日期",
    "achievements.ShowcaseEntry": "成果展示投影：由成果或外部成果生成，可随时重建",
}
PAGE_SIZE = 25
MASKED = "***"


def business_models() -> list[type[models.Model]]:
    """The concrete models of the portal's apps (not the historical copies)."""
    found = []
    for label in settings.PORTAL_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical") and hasattr(model, "instance_type"):
                continue
            found.append(model)
    return found


def audited_models() -> dict[str, type[models.Model]]:
    """label (app_label.modelname, lower case) -> model, for every model with history."""
    return {
        model._meta.label_lower: model
        for model in business_models()
        if hasattr(model, "history") and model._meta.label not in NOT_AUDITED
    }


@dataclass
class FieldChange:
    field: str
    before: object
    after: object


@dataclass
class AuditEntry:
    record: models.Model
    kind: str
    changes: list[FieldChange]


KIND_LABELS = {"+": _("新建"), "~": _("修改"), "-": _("删除")}


def _fields(model) -> list:
    history_fields = {"id", "history_id", "history_date", "history_change_reason"}
    return [
        f
        for f in model._meta.concrete_fields
        if f.attname not in history_fields and not f.name.startswith("history_")
    ]


def _value(record, field):
    return getattr(record, field.attname)


def _related_labels(records, fields) -> dict:
    """(field attname, pk) -> the related record's name, one query per related model."""
    wanted: dict[type[models.Model], set] = {}
    for field in fields:
        if field.is_relation and field.related_model is not None:
            ids = {getattr(r, field.attname) for r in records if r is not None}
            wanted.setdefault(field.related_model, set()).update(ids - {None})
    names = {model: model._base_manager.in_bulk(ids) for model, ids in wanted.items() if ids}
    return {
        (field.attname, pk): str(obj)
        for field in fields
        if field.is_relation and field.related_model in names
        for pk, obj in names[field.related_model].items()
    }


def _is_money(field) -> bool:
    return isinstance(field, models.DecimalField) and validate_amount in field.validators


def _shown(field, value, labels: dict, list_choices=None):
    """What an official reads: choice labels, names of related records, 是/否, amounts in 万元
    or 亿元, dates as 2026-03-01 and times in Asia/Shanghai."""
    if value is None or value == "" or value == []:
        return None
    if field.is_relation:
        return labels.get((field.attname, value), value)
    if isinstance(field, models.FileField):
        return PurePosixPath(str(value)).name
    if list_choices is not None and isinstance(value, list):
        lookup = dict(list_choices.choices)
        return "、".join(str(lookup.get(code, code)) for code in value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return format_yuan(value) if _is_money(field) else f"{value.normalize():f}"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    return value


def audit_page(model, *, object_id=None, page_number=1, masked=frozenset()):
    """One page of the model's history, newest first, each entry with its field changes.

    Three queries whatever the page holds: the page, the versions before its rows (one
    subquery), the names of related records per related model. `masked` fields show ***.
    """
    history = model.history.model
    previous_id = Subquery(
        history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    queryset = (
        history.objects.select_related("history_user")
        .annotate(previous_history_id=previous_id)
        .order_by("-history_date", "-history_id")
    )
    if object_id is not None:
        queryset = queryset.filter(id=object_id)
    page = Paginator(queryset, PAGE_SIZE).get_page(page_number)
    fields = [f for f in _fields(history) if f.attname in {g.attname for g in _fields(model)}]
    rows = list(page.object_list)
    wanted = [r.previous_history_id for r in rows if r.history_type != "+"]
    previous_rows = history.objects.in_bulk([pk for pk in wanted if pk is not None])
    pairs = [
        (
            record,
            previous_rows.get(record.previous_history_id) if record.history_type != "+" else None,
        )
        for record in rows
    ]
    labels = _related_labels([r for pair in pairs for r in pair if r is not None], fields)
    label = model._meta.label_lower
    entries = []
    for record, previous in pairs:
        changes = []
        for field in fields:
            after = _value(record, field)
            before = _value(previous, field) if previous is not None else None
            if record.history_type == "-":
                before, after = after, None
            if previous is None or before != after:
                if field.name in masked:
                    shown_before = MASKED if before not in (None, "") else None
                    shown_after = MASKED if after not in (None, "") else None
                else:
                    choices = list_choices().get((label, field.name))
                    shown_before = _shown(field, before, labels, choices)
                    shown_after = _shown(field, after, labels, choices)
                if previous is None and shown_before is None and shown_after is None:
                    continue
                changes.append(FieldChange(str(field.verbose_name), shown_before, shown_after))
        entries.append(AuditEntry(record, KIND_LABELS.get(record.history_type, ""), changes))
    return page, entries


def record_updates(model, pks, *, user=None, reason: str = "") -> int:
    """History rows for rows changed by a queryset `update()`, which sends no signals and so
    would otherwise leave no trace in the audit trail. Returns how many were recorded."""
    objs = list(model._base_manager.filter(pk__in=list(pks)))
    if objs:
        model.history.bulk_history_create(
            objs, update=True, default_user=user, default_change_reason=reason
        )
    return len(objs)


HISTORY_COPY_CHUNK = 900  # ids per statement: under SQLite's limit of bound parameters


def record_inserts(model, pks, *, user=None, reason: str = "") -> int:
    """ "Created" history rows for rows just written by `bulk_create`, copied inside the database
    by INSERT … SELECT. The same rows as simple-history's `bulk_history_create` (every tracked
    column, the time, the user, the reason), without building each row again in Python and
    sending it back: for a 10,000-row import that was a third of the time it took to save."""
    history = model.history.model
    ops = connection.ops
    columns = [ops.quote_name(field.column) for field in history.tracked_fields]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    values = [
        ops.adapt_datetimefield_value(timezone.now()),
        reason[: history._meta.get_field("history_change_reason").max_length],
        "+",
        getattr(user, "pk", None),
    ]
    pks = list(pks)
    sql = (
        f"INSERT INTO {ops.quote_name(history._meta.db_table)} "  # noqa: S608  (quoted identifiers of our models; values are parameters)
        f"({', '.join(columns + [ops.quote_name(name) for name in extra])}) "
        f"SELECT {', '.join(columns)}, %s, %s, %s, %s "
        f"FROM {ops.quote_name(model._meta.db_table)} WHERE {ops.quote_name(model._meta.pk.column)} IN "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(pks), HISTORY_COPY_CHUNK):
            chunk = pks[start : start + HISTORY_COPY_CHUNK]
            cursor.execute(sql + f"({', '.join(['%s'] * len(chunk))})", [*values, *chunk])
    return len(pks)
