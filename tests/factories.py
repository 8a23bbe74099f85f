"""factory-boy factories. Reference rows (divisions, units, industries) come from load_reference."""

from datetime import timedelta

import factory
from django.utils import timezone
from knox.models import AuthToken

from achievements.choices import AchievementKind, AchievementStatus
from achievements.models import Achievement
from kernel.validators import uscc_check_character
from towns.choices import EnterpriseKind, EnterpriseStatus, Role
from towns.models import (
    BackgroundJob,
    Division,
    Enterprise,
    Industry,
    Notification,
    Unit,
    User,
    WebhookChannel,
    WebhookDelivery,
    WebhookKind,
)

TEST_PASSWORD = "Test-pass-2026"


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def division(code: str) -> Division:
    return Division.objects.get(code=code)


def industry(code: str) -> Industry:
    return Industry.objects.get(code=code)


def credit_code(n: int) -> str:
    body = f"91441900MA{n:07d}"
    return body + uscc_check_character(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.LIAISON
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"东莞测试科技有限公司{n}")
    credit_code = factory.Sequence(credit_code)
    division = factory.LazyFunction(lambda: division("441900119"))
    status = EnterpriseStatus.APPROVED


def investor_account(username: str, *, status=None, **institution) -> User:
    """A venture-capital institution (创投机构) and the investor who signs in for it."""
    firm = EnterpriseFactory(
        kind=EnterpriseKind.VENTURE_CAPITAL,
        status=status or EnterpriseStatus.APPROVED,
        name=institution.pop("name", f"{username}创业投资有限公司"),
        **institution,
    )
    return UserFactory(
        username=username, role=Role.INVESTOR, enterprise=firm, name=f"{username}投资经理"
    )


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    title = factory.Sequence(lambda n: f"高性能固态电池电解质材料{n}")
    summary = "一种硫化物固态电解质，室温离子电导率达到 12 mS/cm，较现有氧化物体系提升一个数量级。"
    kind = AchievementKind.PROJECT
    field = factory.LazyFunction(lambda: industry("S05"))
    trl = 5
    holder = "东莞理工学院"
    contact_name = "陈教授"
    contact_phone = "13800138000"
    contact_email = "chen@example.cn"
    discovering_unit = factory.LazyFunction(lambda: unit("dgut"))
    status = AchievementStatus.SUBMITTED
    discovered_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.LazyAttribute(
        lambda o: UserFactory(role=Role.LIAISON, unit=o.discovering_unit)
    )


def next_year() -> str:
    """A date in the future that is still within the accepted range (kernel/limits.py)."""
    return (timezone.localdate() + timedelta(days=366)).isoformat()


def api_token(user: User) -> str:
    """A new API token of `user`: the plain token, which knox gives only when it issues one."""
    return AuthToken.objects.create(user=user)[1]


class NotificationFactory(factory.django.DjangoModelFactory):
    """An unread bell notification."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF)
    kind = "info"
    title = factory.Sequence(lambda n: f"测试通知{n}")


class WebhookChannelFactory(factory.django.DjangoModelFactory):
    """A unit's 企业微信 group robot (a 钉钉 one with `kind=WebhookKind.DINGTALK`)."""

    class Meta:
        model = WebhookChannel

    unit = factory.LazyFunction(lambda: unit("dgut"))
    kind = WebhookKind.WECOM
    name = "群"
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    """A notification's delivery to a group robot; `claimed_at` set is a worker's claim."""

    class Meta:
        model = WebhookDelivery

    channel = factory.SubFactory(WebhookChannelFactory)
    notification = None


class BackgroundJobFactory(factory.django.DjangoModelFactory):
    """A pending export job of `owner` (a center staff member by default)."""

    class Meta:
        model = BackgroundJob

    owner = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF)
    kind = "achievement_export"
    title = factory.Sequence(lambda n: f"导出{n}")
