"""Notifications where people are: a unit's 企业微信 / 钉钉 group robot (tested against a
local fake robot), and a daily digest mail instead of one mail per notification."""

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from towns.channels import CLAIM_TIMEOUT, WebhookError
from towns.models import NotificationDigest, WebhookChannel, WebhookDelivery
from towns.services import notification_send
from towns.tasks import task_post_webhooks, task_send_daily_digests

from ..factories import UserFactory, WebhookChannelFactory, WebhookDeliveryFactory, unit

pytestmark = pytest.mark.django_db


class FakeRobot:
    """A local HTTP endpoint answering like the robots: {"errcode": 0} or an error code."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[dict] = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                parsed = urllib.parse.urlsplit(self.path)
                robot.requests.append(
                    {
                        "path": parsed.path,
                        "query": dict(urllib.parse.parse_qsl(parsed.query)),
                        "json": json.loads(body),
                    }
                )
                answer = robot.answers.pop(0) if robot.answers else {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot():
    fake = FakeRobot()
    yield fake
    fake.close()


def test_an_admin_sets_up_a_unit_robot_and_notifications_reach_it_once(
    client, portal_admin, liaison, robot, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://kjcg.example.gov.cn"
    client.force_login(portal_admin)
    response = client.post(
        reverse("admin:towns_webhookchannel_add"),
        {
            "unit": liaison.unit.pk,
            "kind": "wecom",
            "name": "东莞理工成果转化群",
            "url": f"{robot.url}/cgi-bin/webhook/send?key=abc",
            "secret": "",
            "is_active": "on",
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    channel = WebhookChannel.objects.get()
    other = UserFactory(role="liaison", unit=liaison.unit, name="王联络")
    outsider = UserFactory(role="liaison", unit=unit("441900119"))

    with django_capture_on_commit_callbacks(execute=True):
        notifications = notification_send(
            recipients=[liaison, other, outsider],
            kind="test",
            title="成果被退回修改",
            body="请补充知识产权信息。",
            url="/achievements/1/",
        )
    # One message for the unit's group, naming both of its people; none for the other unit.
    assert len(robot.requests) == 1
    sent = robot.requests[0]
    assert sent["path"] == "/cgi-bin/webhook/send" and sent["query"] == {"key": "abc"}
    content = sent["json"]["markdown"]["content"]
    assert sent["json"]["msgtype"] == "markdown"
    assert "**成果被退回修改**" in content and "请补充知识产权信息。" in content
    assert f"{liaison.display_name}、王联络" in content
    assert "(https://kjcg.example.gov.cn/achievements/1/)" in content
    assert WebhookDelivery.objects.filter(channel=channel, sent_at__isnull=False).count() == 2

    # The task again (a redelivered message): nothing is posted twice.
    task_post_webhooks(notification_ids=[n.pk for n in notifications])
    assert len(robot.requests) == 1


def test_a_refused_post_is_retried_without_posting_twice(liaison, robot):
    WebhookChannelFactory(unit=liaison.unit, kind="wecom", name="群", url=f"{robot.url}/send?key=k")
    notifications = notification_send(recipients=[liaison], kind="t", title="甲")
    ids = [n.pk for n in notifications]
    robot.requests.clear()
    robot.answers = [{"errcode": 45009, "errmsg": "api freq out of limit"}]
    with pytest.raises(WebhookError):
        task_post_webhooks(notification_ids=ids)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.claimed_at, delivery.sent_at, delivery.attempts) == (None, None, 1)
    assert "45009" in delivery.last_error
    assert task_post_webhooks(notification_ids=ids) == 1
    assert task_post_webhooks(notification_ids=ids) == 0
    assert len(robot.requests) == 2


def test_a_post_that_breaks_unexpectedly_is_not_taken_for_sent(liaison, robot, monkeypatch):
    """Not only a robot's refusal: an error building the request gives the claim back too."""
    from towns import channels

    WebhookChannelFactory(unit=liaison.unit, kind="wecom", name="群", url=f"{robot.url}/send?key=k")
    notifications = notification_send(recipients=[liaison], kind="t", title="乙")
    ids = [n.pk for n in notifications]
    robot.requests.clear()

    def broken(url, secret, message):
        raise ValueError("bad secret")

    monkeypatch.setitem(channels.CHANNELS, "wecom", broken)
    with pytest.raises(ValueError, match="bad secret"):
        task_post_webhooks(notification_ids=ids)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.sent_at, delivery.attempts) == (None, 1)
    monkeypatch.undo()
    assert task_post_webhooks(notification_ids=ids) == 1
    assert len(robot.requests) == 1


def test_a_claim_left_by_a_dead_worker_is_posted_by_the_next_run_a_live_one_is_not(liaison, robot):
    """A worker killed between its claim and its post leaves a claim and no send: after
    CLAIM_TIMEOUT the next run posts it. A claim made a moment ago is a worker still posting."""
    notifications = notification_send(
        recipients=[liaison], kind="t", title="死去的工作进程领取的"
    ) + notification_send(recipients=[liaison], kind="t", title="刚刚领取的")
    ids = [n.pk for n in notifications]
    # The channel is added afterwards, so nothing was posted yet; the two claims are the
    # workers' (the first one's worker died on the way).
    channel = WebhookChannelFactory(unit=liaison.unit, url=f"{robot.url}/send?key=k")
    now = timezone.now()
    stale, fresh = now - CLAIM_TIMEOUT - timedelta(minutes=1), now - timedelta(seconds=30)
    for notification, claimed_at in zip(notifications, [stale, fresh], strict=True):
        WebhookDeliveryFactory(channel=channel, notification=notification, claimed_at=claimed_at)
    robot.requests.clear()

    assert task_post_webhooks(notification_ids=ids) == 1
    assert len(robot.requests) == 1
    assert "**死去的工作进程领取的**" in robot.requests[0]["json"]["markdown"]["content"]
    taken, still = (
        WebhookDelivery.objects.get(notification=notifications[0]),
        WebhookDelivery.objects.get(notification=notifications[1]),
    )
    assert taken.sent_at is not None and taken.claimed_at > stale
    assert (still.sent_at, still.claimed_at) == (None, fresh)

    # Another run while the live worker is still posting: nothing twice.
    assert task_post_webhooks(notification_ids=ids) == 0
    assert len(robot.requests) == 1


def test_a_worker_posts_only_the_names_it_claimed_of_a_group(liaison, robot):
    """Two workers on the same message at once: the second one's claim took one name of the
    group first. This run posts and marks only the names it claimed itself, so no name is
    posted twice and the other worker's delivery is left to it."""
    colleagues = [UserFactory(unit=liaison.unit, name=n) for n in ("甲同事", "乙同事")]
    notifications = notification_send(recipients=[liaison, *colleagues], kind="t", title="同一条")
    ids = [n.pk for n in notifications]
    channel = WebhookChannelFactory(unit=liaison.unit, url=f"{robot.url}/send?key=k")
    claimed_elsewhere = timezone.now() - timedelta(seconds=5)
    other = WebhookDeliveryFactory(
        channel=channel,
        notification=next(n for n in notifications if n.recipient == colleagues[0]),
        claimed_at=claimed_elsewhere,
    )
    robot.requests.clear()

    assert task_post_webhooks(notification_ids=ids) == 1
    content = robot.requests[0]["json"]["markdown"]["content"]
    assert liaison.display_name in content and "乙同事" in content
    assert "甲同事" not in content
    other.refresh_from_db()
    assert (other.sent_at, other.claimed_at) == (None, claimed_elsewhere)
    sent = WebhookDelivery.objects.exclude(pk=other.pk)
    assert sent.count() == 2 and not sent.filter(sent_at__isnull=True).exists()


def test_dingtalk_signs_the_request_with_its_secret(liaison, robot):
    secret = "SECtest-secret"
    WebhookChannelFactory(
        unit=liaison.unit,
        kind="dingtalk",
        name="钉钉群",
        url=f"{robot.url}/robot/send?access_token=t",
        secret=secret,
    )
    notifications = notification_send(recipients=[liaison], kind="t", title="乙")
    robot.requests.clear()
    task_post_webhooks(notification_ids=[n.pk for n in notifications])
    sent = robot.requests[0]
    assert sent["json"]["msgtype"] == "markdown" and sent["json"]["markdown"]["title"] == "乙"
    timestamp, sign = sent["query"]["timestamp"], sent["query"]["sign"]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected and sent["query"]["access_token"] == "t"


def test_staff_choose_a_daily_digest_instead_of_a_mail_each(
    client, center_staff, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_EMAIL_ENABLED = True
    center_staff.email = "chen@example.cn"
    center_staff.save()
    client.force_login(center_staff)
    assert client.get(reverse("towns:notification_settings")).status_code == 200
    response = client.post(reverse("towns:notification_settings"), {"daily_digest": "on"})
    assert response.status_code == 302
    center_staff.refresh_from_db()
    assert center_staff.daily_digest is True

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            notification_send(recipients=[center_staff], kind="t", title=f"待审核企业{n}")
    assert mail.outbox == []  # no mail per notification

    assert task_send_daily_digests() == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert "3 条未读通知" in digest.subject
    assert "· 待审核企业2" in digest.body and "· 待审核企业0" in digest.body
    assert "/notifications/?unread=1" in digest.body
    # A second run the same morning sends nothing.
    assert task_send_daily_digests() == 0
    assert NotificationDigest.objects.get(recipient=center_staff).count == 3

    # Back to one mail each.
    client.post(reverse("towns:notification_settings"), {})
    center_staff.refresh_from_db()
    assert center_staff.daily_digest is False
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[center_staff], kind="t", title="新通知")
    assert len(mail.outbox) == 2
