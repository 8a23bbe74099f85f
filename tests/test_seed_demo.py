from io import StringIO

import pytest
from django.core.management import call_command

from achievements.models import Achievement
from achievements.selectors.discovery import duplicate_groups
from achievements.services.core import title_is_distinctive
from towns.choices import Role
from towns.models import Enterprise, User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_role_prints_logins_and_is_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    users = User.objects.count()
    enterprises = Enterprise.objects.count()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    text = out.getvalue()
    assert "演示账号" in text and "liaison_dgut" in text and "center_chen" in text

    # Every demo record has a title that can name it, and no group of strangers is offered to
    # merge: each group's records share one distinctive title and the demo's holder.
    assert not Achievement.all_objects.filter(title_normalized="").exists()
    groups = duplicate_groups()
    assert groups and all(title_is_distinctive(g.title_normalized) for g in groups)
    assert max(len(g.records) for g in groups) == 2

    call_command("seed_demo", stdout=StringIO())
    assert User.objects.count() == users
    assert Enterprise.objects.count() == enterprises
    assert User.objects.get(username="admin").check_password("Dg-demo-2026")
