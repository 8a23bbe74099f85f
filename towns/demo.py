"""Demo people of every role. Deterministic and idempotent (matched by username)."""

from dataclasses import dataclass, field
from random import Random

from kernel.validators import uscc_check_character

from .choices import EnterpriseStatus, Role
from .models import Division, Enterprise, Unit, User
from .services import user_create

DEMO_PASSWORD = "Dg-demo-2026"  # noqa: S105  (the demo logins printed in the README)


@dataclass
class DemoContext:
    """Shared by every app's `demo.seed`; `logins` are printed at the end."""

    rng: Random
    stdout: object = None
    users: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)


# username, name, role, unit code (or None), title
DEMO_PEOPLE = [
    ("admin", "系统管理员", Role.ADMIN, None, "平台运维"),
    ("center_chen", "陈思远", Role.CENTER_STAFF, "center", "项目经理"),
    ("center_lin", "林晓彤", Role.CENTER_STAFF, "center", "成果服务专员"),
    ("liaison_kjj", "王建华", Role.LIAISON, "kjj", "成果联络员"),
    ("liaison_dgut", "李明轩", Role.LIAISON, "dgut", "科研院成果转化科科长"),
    ("liaison_ssh", "张丽娟", Role.LIAISON, "441900401", "松山湖科创局科员"),
    ("liaison_changan", "黄志强", Role.LIAISON, "441900119", "长安镇科技办副主任"),
    ("liaison_gxj", "刘雅婷", Role.LIAISON, "gxj", "成果联络员"),
    ("liaison_slab", "吴浩然", Role.LIAISON, "slab", "成果转化部主管"),
    ("expert_zhou", "周文博", Role.EVALUATOR, None, "教授级高级工程师"),
    ("expert_xu", "徐静怡", Role.EVALUATOR, None, "评估师"),
    ("expert_he", "何国栋", Role.EVALUATOR, None, "研究员"),
    ("leader_kjj", "郑国平", Role.LEADER, "kjj", "市科技局副局长"),
    ("leader_ssh", "梁振华", Role.LEADER, "441900401", "松山湖管委会副主任"),
    ("broker_sun", "孙立新", Role.BROKER, None, "高级技术经理人"),
]

# name, division code, credit-code body (17 characters; the check character is computed)
DEMO_ENTERPRISES = [
    ("东莞市精诚注塑科技有限公司", "441900119", "91441900MA4UX7K2"),
    ("东莞锂安新能源科技有限公司", "441900401", "91441900MA51QB3N"),
]


def demo_credit_code(body: str) -> str:
    body = (body + "0" * 17)[:17]
    return body + uscc_check_character(body)


def _enterprise(name: str, division_code: str, body: str, contact: str) -> Enterprise:
    enterprise, _ = Enterprise.objects.get_or_create(
        credit_code=demo_credit_code(body),
        defaults={
            "name": name,
            "division": Division.objects.get(code=division_code),
            "status": EnterpriseStatus.APPROVED,
            "contact_name": contact,
            "contact_phone": "0769-22881234",
        },
    )
    return enterprise


def _person(ctx: DemoContext, username, name, role, unit=None, enterprise=None, title=""):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            name=name,
            unit=unit,
            enterprise=enterprise,
            email=f"{username}@demo.dgkjcg.local",
            title=title,
        )
    ctx.users[username] = user
    label = (
        f"{user.get_role_display()}（{(unit or enterprise or '')}）"
        if (unit or enterprise)
        else user.get_role_display()
    )
    ctx.logins.append((username, name, label))
    return user


def seed(ctx: DemoContext) -> None:
    units = {u.code: u for u in Unit.objects.all()}
    for username, name, role, unit_code, title in DEMO_PEOPLE:
        _person(ctx, username, name, role, unit=units.get(unit_code), title=title)
    for index, (name, division_code, body) in enumerate(DEMO_ENTERPRISES, start=1):
        # The company's contact is the person who signs in for it (one person, one role).
        contact = "赵经理" if index == 1 else "钱工"
        enterprise = _enterprise(name, division_code, body, contact)
        _person(
            ctx,
            f"enterprise{index}",
            contact,
            Role.ENTERPRISE,
            enterprise=enterprise,
            title="技术总监",
        )
