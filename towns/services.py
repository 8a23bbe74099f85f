from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.transitions import transition

from .choices import ROLE_OF_KIND, EnterpriseKind, EnterpriseStatus, Role
from .models import Division, Enterprise, Industry, Notification, Unit, User, WebhookChannel
from .outbox import outbox_enqueue
from .selectors import center_staff
from .tasks import task_email_notifications, task_post_webhooks


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    name: str = "",
    unit: Unit | None = None,
    enterprise: Enterprise | None = None,
    email: str = "",
    phone: str = "",
    title: str = "",
) -> User:
    """Create a portal user; admins also get the Django admin."""
    user = User(
        username=username,
        role=role,
        name=name,
        unit=unit,
        enterprise=enterprise,
        email=email,
        phone=phone,
        title=title,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def notification_send(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Put a message in each recipient's bell; mail it too when email is configured."""
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, title=title, body=body, url=url)
            for user in {u.pk: u for u in recipients if u is not None}.values()
        ]
    )
    ids = [n.pk for n in notifications if n.pk]
    if ids:
        outbox_enqueue(task_email_notifications, notification_ids=ids)
        units = {n.recipient.unit_id for n in notifications if n.recipient.unit_id is not None}
        if units and WebhookChannel.objects.filter(unit_id__in=units, is_active=True).exists():
            outbox_enqueue(task_post_webhooks, notification_ids=ids)
    return notifications


def notification_settings_update(*, user: User, daily_digest: bool) -> User:
    """A person chooses between a mail per notification and one summary mail a day."""
    user.daily_digest = daily_digest
    recorded: Any = user  # django-simple-history reads _history_user on save
    recorded._history_user = user
    user.save(update_fields=["daily_digest"])
    return user


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; returns how many changed."""
    unread = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def enterprise_register(
    *,
    name: str,
    credit_code: str,
    division: Division,
    industry: Industry | None = None,
    address: str = "",
    contact_name: str,
    contact_phone: str,
    email: str = "",
    username: str,
    password: str,
    kind: str = EnterpriseKind.COMPANY,
) -> User:
    """A company or a venture-capital institution registers itself (the new account is the
    acting user); staff then review it.

    The account can sign in at once, but acts (posts demands; expresses interest in
    achievements, for an investor) only after approval.
    """
    enterprise = Enterprise(
        kind=kind,
        name=name.strip(),
        credit_code=credit_code,
        division=division,
        industry=industry,
        address=address.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone,
        status=EnterpriseStatus.PENDING,
    )
    enterprise.full_clean()
    enterprise.save()
    user = user_create(
        username=username,
        password=password,
        role=ROLE_OF_KIND[EnterpriseKind(kind)],
        name=contact_name.strip(),
        enterprise=enterprise,
        email=email,
        phone=contact_phone,
    )
    notification_send(
        recipients=center_staff(),
        kind="enterprise_registered",
        title=(
            _("新创投机构注册待审核：%(name)s")
            if enterprise.is_venture_capital
            else _("新企业注册待审核：%(name)s")
        )
        % {"name": enterprise.name},
        body=_("统一社会信用代码：%(code)s") % {"code": enterprise.credit_code},
        url=reverse("towns:enterprise_review_list"),
    )
    return user


@transaction.atomic
def enterprise_review(
    enterprise: Enterprise, *, acting_user: User, approve: bool, note: str = ""
) -> Enterprise:
    """Staff approve or reject a pending registration (a rejection says why)."""
    note = (note or "").strip()

    def note_given(locked: Enterprise) -> None:
        if not approve and not note:
            raise ValidationError({"note": _("不通过时请填写审核意见，告诉企业原因。")})

    locked = transition(
        enterprise,
        to=EnterpriseStatus.APPROVED if approve else EnterpriseStatus.REJECTED,
        acting_user=acting_user,
        reason=note,
        refused=lambda locked: (
            _("该企业已审核（%(status)s），不能重复审核。")
            % {"status": locked.get_status_display()}
        ),
        check=note_given,
        reviewed_by=acting_user,
        reviewed_at=timezone.now(),
        review_note=note,
    )
    if locked.is_venture_capital:
        welcome = _("现在可以浏览服务库待落地成果的评价摘要并表达投资意向了。")
        title = _("创投机构注册审核已通过") if approve else _("创投机构注册审核未通过")
    else:
        welcome = _("现在可以发布需求、表达合作意向和报名对接会了。")
        title = _("企业注册审核已通过") if approve else _("企业注册审核未通过")
    notification_send(
        recipients=locked.users.filter(is_active=True),
        kind="enterprise_reviewed",
        title=title,
        body=note or welcome,
        url=reverse("quotas:home"),
    )
    return locked
