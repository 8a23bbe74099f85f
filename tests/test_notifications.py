import pytest
from django.core import mail
from django.urls import reverse

from towns.models import Notification
from towns.services import notification_send
from towns.tasks import task_email_notifications

pytestmark = pytest.mark.django_db


def test_bell_shows_the_unread_count(client, liaison, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[liaison], kind="test", title="请补充成果简介", url="/")
        notification_send(recipients=[liaison], kind="test", title="新的任务分配")
    client.force_login(liaison)
    content = client.get(reverse("quotas:home")).content.decode()
    assert 'data-testid="unread-count">2<' in content


def test_list_and_mark_read(client, liaison, other_liaison):
    mine = notification_send(
        recipients=[liaison], kind="test", title="退回修改：请补充知识产权编号"
    )[0]
    theirs = notification_send(recipients=[other_liaison], kind="test", title="别人的通知")[0]
    client.force_login(liaison)
    page = client.get(reverse("towns:notification_list")).content.decode()
    assert "退回修改" in page and "别人的通知" not in page

    # Marking someone else's notification does nothing.
    client.post(reverse("towns:notification_read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None

    client.post(reverse("towns:notification_read", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert (
        client.get(reverse("towns:notification_list") + "?unread=1")
        .context["page_obj"]
        .paginator.count
        == 0
    )


def test_mark_all_read(client, liaison):
    notification_send(recipients=[liaison, liaison], kind="test", title="A")
    notification_send(recipients=[liaison], kind="test", title="B")
    client.force_login(liaison)
    client.post(reverse("towns:notification_read_all"))
    assert not Notification.objects.for_user(liaison).unread().exists()


@pytest.mark.usefixtures("render_afresh")
def test_notification_list_is_paginated_with_constant_queries(
    client, liaison, django_assert_max_num_queries
):
    client.force_login(liaison)
    notification_send(recipients=[liaison], kind="test", title="一")
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("towns:notification_list"))
    for i in range(40):
        notification_send(recipients=[liaison], kind="test", title=f"通知{i}")
    with django_assert_max_num_queries(8) as many:
        response = client.get(reverse("towns:notification_list"))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(response.context["page_obj"].object_list) == 20


def test_email_is_sent_once_when_configured(settings, liaison, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_EMAIL_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        sent = notification_send(recipients=[liaison], kind="test", title="逾期提醒")
    assert len(mail.outbox) == 1
    assert "逾期提醒" in mail.outbox[0].subject
    # A retried task mails nothing twice.
    assert task_email_notifications(notification_ids=[n.pk for n in sent]) == 0
    assert len(mail.outbox) == 1


def test_no_email_without_configuration(liaison, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[liaison], kind="test", title="无邮件")
    assert mail.outbox == []
