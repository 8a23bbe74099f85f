"""API tokens moved from DRF's `rest_framework.authtoken` (plain keys that never expire) to
django-rest-knox (hashed, expiring). The old app is no longer installed; its table would keep
a foreign key to every user who had a token, so deleting such a user (or flushing a test
database) would fail. The old tokens are dropped: clients ask /api/v1/auth/token/ for new ones."""

from django.db import migrations

FORWARD = [
    "DROP TABLE IF EXISTS authtoken_token",
    "DELETE FROM django_migrations WHERE app = 'authtoken'",
]


class Migration(migrations.Migration):
    dependencies = [
        ("towns", "0002_outbox_and_audit_history"),
    ]

    operations = [migrations.RunSQL(sql, migrations.RunSQL.noop) for sql in FORWARD]
