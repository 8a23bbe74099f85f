from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.transitions import transition

from .choices import EnterpriseStatus, Role
from .models import Division, Enterprise, Industry, Notification, Unit, User
from .outbox import outbox_enqueue
from .selectors import center_staff
from .tasks import task_email_notifications


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
    return notifications


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
) -> User:
    """A company registers itself (the new account is the acting user); staff then review it.

    The account can sign in at once, but posts demands only after approval.
    """
    enterprise = Enterprise(
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
        role=Role.ENTERPRISE,
        name=contact_name.strip(),
        enterprise=enterprise,
        email=email,
        phone=contact_phone,
    )
    notification_send(
        recipients=center_staff(),
        kind="enterprise_registered",
        title=_("新企业注册待审核：%(name)s") % {"name": enterprise.name},
        body=_("统一社会信用代码：%(code)s") % {"code": enterprise.credit_code},
        url=reverse("enterprise_review_list"),
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
    notification_send(
        recipients=locked.users.filter(is_active=True),
        kind="enterprise_reviewed",
        title=_("企业注册审核已通过") if approve else _("企业注册审核未通过"),
        body=note or _("现在可以发布需求、表达合作意向和报名对接会了。"),
        url=reverse("home"),
    )
    return locked
