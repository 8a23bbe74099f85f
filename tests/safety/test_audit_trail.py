"""Every change to every business record is in the audit trail (who, when, before, after), and
admins can read it."""

import pytest
from django.urls import reverse

from achievements.models import Achievement
from achievements.services.discovery import achievement_soft_delete
from kernel import audit

from ..factories import AchievementFactory

pytestmark = pytest.mark.django_db


def test_every_business_model_keeps_history_or_says_why_not():
    missing = [
        model._meta.label
        for model in audit.business_models()
        if not hasattr(model, "history") and model._meta.label not in audit.NOT_AUDITED
    ]
    assert missing == [], f"register HistoricalRecords (or list them in NOT_AUDITED): {missing}"
    # The exemptions are real models, and none of them keeps history after all.
    labels = {model._meta.label: model for model in audit.business_models()}
    for label in audit.NOT_AUDITED:
        assert label in labels and not hasattr(labels[label], "history"), label
    assert len(audit.audited_models()) >= 60


def test_an_edit_through_the_page_is_recorded_with_who_before_and_after(
    client, liaison, portal_admin
):
    achievement = AchievementFactory(
        discovering_unit=liaison.unit, created_by=liaison, status="draft", holder="东莞理工学院"
    )
    client.force_login(liaison)
    edit = client.get(reverse("achievements:achievement_edit", args=[achievement.pk]))
    assert edit.status_code == 200
    form = edit.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value
    data["holder"] = "东莞理工学院材料学院"
    response = client.post(reverse("achievements:achievement_edit", args=[achievement.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = Achievement.history.filter(id=achievement.pk).latest("history_date", "history_id")
    assert latest.history_user == liaison
    assert latest.history_type == "~"

    client.force_login(portal_admin)
    page = client.get(
        reverse("towns:audit_trail"),
        {"model": "achievements.achievement", "object": achievement.pk},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "东莞理工学院材料学院" in html and '<del class="text-danger">东莞理工学院</del>' in html
    assert liaison.name in html
    assert "修改" in html and "新建" in html


def test_a_soft_delete_shows_its_reason_and_both_values(client, center_staff, portal_admin):
    achievement = AchievementFactory()
    achievement_soft_delete(achievement, acting_user=center_staff, reason="重复录入")
    client.force_login(portal_admin)
    html = client.get(
        reverse("towns:audit_trail"),
        {"model": "achievements.achievement", "object": achievement.pk},
    ).content.decode()
    assert "删除成果：重复录入" in html
    assert '<ins class="text-success">重复录入</ins>' in html
    # Officials read names and labels, not database ids and codes.
    assert f'<ins class="text-success">{center_staff}</ins>' in html


def test_choices_show_their_labels(client, center_staff, portal_admin):
    achievement = AchievementFactory(status="draft")
    achievement.status = "submitted"
    achievement.save()
    client.force_login(portal_admin)
    html = client.get(
        reverse("towns:audit_trail"),
        {"model": "achievements.achievement", "object": achievement.pk},
    ).content.decode()
    assert '<del class="text-danger">草稿</del>' in html
    assert ">draft<" not in html


@pytest.mark.parametrize("label", sorted(audit.audited_models()))
def test_every_audited_model_has_a_page_for_admins(client, portal_admin, label):
    client.force_login(portal_admin)
    assert client.get(reverse("towns:audit_trail"), {"model": label}).status_code == 200


def test_only_admins_read_the_audit_trail(client, users_by_role):
    for role, user in users_by_role.items():
        client.force_login(user)
        expected = 200 if role == "admin" else 403
        assert client.get(reverse("towns:audit_trail")).status_code == expected, role
    client.logout()
    assert client.get(reverse("towns:audit_trail")).status_code == 302
    client.force_login(users_by_role["admin"])
    assert (
        client.get(reverse("towns:audit_trail"), {"model": "towns.notification"}).status_code == 404
    )


def test_the_audit_page_has_a_bounded_query_count(
    client, portal_admin, center_staff, django_assert_max_num_queries
):
    for _ in range(30):
        achievement_soft_delete(AchievementFactory(), acting_user=center_staff, reason="x")
    client.force_login(portal_admin)
    # One query per entry for its previous version, at most a page (25) of them.
    with django_assert_max_num_queries(45):
        assert client.get(reverse("towns:audit_trail")).status_code == 200


def test_conditional_updates_leave_a_history_row_too(center_staff):
    """Services that claim a row with `update()` (no signals) record the change explicitly."""
    from kernel.audit import record_updates

    achievement = AchievementFactory(holder="甲")
    before = Achievement.history.filter(id=achievement.pk).count()
    Achievement.objects.filter(pk=achievement.pk).update(holder="乙")
    assert record_updates(Achievement, [achievement.pk], user=center_staff, reason="批量更正") == 1
    latest = Achievement.history.filter(id=achievement.pk).latest("history_date", "history_id")
    assert Achievement.history.filter(id=achievement.pk).count() == before + 1
    assert (latest.holder, latest.history_user, latest.history_type) == ("乙", center_staff, "~")
    assert latest.history_change_reason == "批量更正"
