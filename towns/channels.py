"""Notifications where people are: besides the bell and e-mail, a unit's group chat robot.

A channel kind (企业微信, 钉钉) is one function that turns a message into the robot's request
(`CHANNELS`, pluggable: add a kind to `WebhookKind` and a function here). Posting is done by
`towns.tasks.task_post_webhooks`, queued through the outbox; each notification is claimed per
channel (`WebhookDelivery`), so a retried task posts nothing twice; a claim left by a worker
that died before its post is taken again after `CLAIM_TIMEOUT`.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from .models import WebhookKind

TIMEOUT_SECONDS = 5
# A delivery claimed longer ago than this and not marked sent was left by a worker that died
# between its claim and its post: the next run takes it again. Far above TIMEOUT_SECONDS, so a
# live worker's post is never doubled.
CLAIM_TIMEOUT = timedelta(minutes=10)
# Both robots refuse longer messages (企业微信 markdown: 4,096 bytes).
MAX_TEXT_CHARS = 1000


class WebhookError(OSError):
    """The robot could not be reached or refused the message (retried by the task)."""


@dataclass
class Message:
    title: str
    body: str
    url: str  # a path of the portal, or ""
    names: list[str]


def _text(message: Message) -> str:
    lines = [f"**{message.title}**"]
    if message.body:
        lines.append(message.body[:MAX_TEXT_CHARS])
    if message.names:
        lines.append(_("接收人：%(names)s") % {"names": "、".join(message.names)})
    if message.url:
        link = f"{settings.PORTAL_BASE_URL.rstrip('/')}{message.url}"
        lines.append(f"[{_('查看详情')}]({link})")
    return "\n\n".join(lines)


def wecom_request(url: str, secret: str, message: Message) -> tuple[str, dict]:
    """企业微信群机器人: markdown message to the webhook address as given."""
    return url, {"msgtype": "markdown", "markdown": {"content": _text(message)}}


def dingtalk_request(url: str, secret: str, message: Message) -> tuple[str, dict]:
    """钉钉自定义机器人: markdown; with 加签, the timestamp and signature go in the address."""
    if secret:
        timestamp = str(round(time.time() * 1000))
        digest = hmac.new(
            secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256
        ).digest()
        sign = urllib.parse.quote_plus(base64.b64encode(digest))
        url = f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"
    return url, {
        "msgtype": "markdown",
        "markdown": {"title": message.title, "text": _text(message)},
    }


CHANNELS = {WebhookKind.WECOM: wecom_request, WebhookKind.DINGTALK: dingtalk_request}


def webhook_post(channel, message: Message) -> None:
    """Post one message to a channel; a robot's error code counts as a failure."""
    url, payload = CHANNELS[channel.kind](channel.url, channel.secret, message)
    if not url.startswith(("https://", "http://")):
        raise WebhookError(f"{channel}: only http(s) robot addresses are posted to")
    request = urllib.request.Request(  # noqa: S310 — scheme checked just above
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except (OSError, ValueError) as error:
        raise WebhookError(f"{channel}: {error}") from error
    if answer.get("errcode", 0) != 0:
        raise WebhookError(f"{channel}: {answer.get('errcode')} {answer.get('errmsg', '')}")
