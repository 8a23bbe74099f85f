"""Trigram (pg_trgm) GIN indexes for the substring searches of the library and the showcase.

`icontains`/`contains` become `LIKE '%…%'`, which a B-tree cannot serve; on PostgreSQL these
indexes let the planner find the rows of a search term without reading the whole table. They
are expression indexes matching Django's SQL (`UPPER(col::text)` for icontains), created only
on PostgreSQL; SQLite keeps scanning, which is fine at its sizes."""

from django.db import migrations

INDEXES = [
    ("achievement_title_trgm", "achievements_achievement", "UPPER(title::text)"),
    ("achievement_summary_trgm", "achievements_achievement", "UPPER(summary::text)"),
    ("achievement_holder_trgm", "achievements_achievement", "UPPER(holder::text)"),
    ("showcase_search_text_trgm", "achievements_showcaseentry", "(search_text::text)"),
    ("showcase_title_trgm", "achievements_showcaseentry", "UPPER(title::text)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("achievements", "0008_achievement_holder_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
