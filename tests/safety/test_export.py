"""`manage.py export_data`: every business record, one JSON-lines file per model."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from achievements.models import Achievement
from achievements.services.discovery import achievement_soft_delete
from kernel.export import export_models
from towns.models import User

from ..factories import AchievementFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_the_export_round_trips_every_row(tmp_path, center_staff, liaison):
    kept = AchievementFactory(discovering_unit=liaison.unit, created_by=liaison)
    deleted = AchievementFactory(title="将被删除的成果")
    achievement_soft_delete(deleted, acting_user=center_staff, reason="测试导出")
    EnterpriseFactory(name="东莞市某某科技有限公司")

    out = StringIO()
    call_command("export_data", str(tmp_path / "export"), "--history", stdout=out)
    assert "已导出" in out.getvalue()

    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text(encoding="utf-8"))
    models = export_models(history=True)
    assert len(manifest["files"]) == len(models)
    for model in models:
        name = f"{model._meta.label}.jsonl"
        lines = (tmp_path / "export" / name).read_text(encoding="utf-8").splitlines()
        assert len(lines) == manifest["files"][name] == model._base_manager.count(), name

    achievements = [
        json.loads(line)
        for line in (tmp_path / "export" / "achievements.Achievement.jsonl")
        .read_text()
        .splitlines()
    ]
    by_id = {row["id"]: row for row in achievements}
    assert by_id[kept.pk]["title"] == kept.title
    assert by_id[deleted.pk]["deletion_reason"] == "测试导出", "deleted records are exported too"
    assert Achievement.objects.filter(pk=deleted.pk).count() == 0
    users = (tmp_path / "export" / "towns.User.jsonl").read_text().splitlines()
    assert len(users) == User.objects.count()
    assert all("password" not in json.loads(line) for line in users)
    assert "achievements.HistoricalAchievement.jsonl" in manifest["files"]


def test_without_history_only_the_current_data(tmp_path):
    call_command("export_data", str(tmp_path), stdout=StringIO())
    files = json.loads((tmp_path / "manifest.json").read_text())["files"]
    assert not any(".Historical" in name for name in files)
    assert files["towns.Division.jsonl"] > 0
