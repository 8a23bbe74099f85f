"""The Excel sheet of technology contracts: its columns and how each cell is read."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from achievements.models import Achievement
from kernel.excel import Column, SheetImporter
from kernel.parsing import ParseError, clean_text, parse_amount, parse_date, split_list
from kernel.wording import list_separator
from towns.models import Division

from .choices import ContractType
from .models import Broker, TechContract
from .shares import check_broker_shares, parse_broker_shares


def parse_contract_type(value) -> str:
    text = clean_text(value).replace(" ", "")
    for choice in ContractType:
        label = str(choice.label)
        if text in (label, label.removeprefix("技术")):
            return choice.value
    raise ParseError(
        _("合同类型“%(value)s”无法识别，应为：%(types)s")
        % {"value": value, "types": list_separator().join(map(str, ContractType.labels))}
    )


def parse_required_amount(value):
    amount = parse_amount(value)
    if amount is not None and amount <= 0:
        raise ParseError(_("合同成交额应大于0"))
    return amount


COLUMNS = [
    Column("合同名称", "title", required=True, aliases=("技术合同名称", "项目名称")),
    Column("合同类型", "contract_type", required=True, parse=parse_contract_type),
    Column("登记编号", "registration_number", required=True, aliases=("合同登记编号",)),
    Column("登记日期", "registered_on", required=True, parse=parse_date, aliases=("认定登记日期",)),
    Column(
        "合同成交额（万元）",
        "amount",
        required=True,
        parse=parse_required_amount,
        aliases=("合同成交额", "成交额", "合同金额", "合同金额（万元）"),
        help="纯数字按万元计，也可填 0.5亿、5,000,000元",
    ),
    Column("卖方（受托方）", "seller_name", required=True, aliases=("卖方", "受托方")),
    Column("卖方所在镇街", "seller_division", aliases=("卖方所在镇街（园区）",)),
    Column("买方（委托方）", "buyer_name", required=True, aliases=("买方", "委托方")),
    Column("买方所在镇街", "buyer_division", aliases=("买方所在镇街（园区）",)),
    Column("关联成果", "achievements", parse=split_list, aliases=("关联科技成果",)),
    Column(
        "技术经纪人及份额",
        "brokers",
        aliases=("技术经纪人", "经纪人"),
        help="如：孙立新 60%、王芳 40%；仅一人时可不填份额",
    ),
    Column("备注", "note"),
]


class ContractImporter(SheetImporter):
    columns = COLUMNS

    def __init__(self):
        self._divisions = {}
        for division in Division.objects.all():
            for name in (division.name, division.short_name):
                self._divisions[name] = division
        self._brokers = list(Broker.objects.in_library())
        self._numbers_seen: set[str] = set()

    def _division(self, data, field, header, add_issue) -> None:
        name = clean_text(data[field])
        if not name:
            data[field] = None
            return
        data[field] = self._divisions.get(name)
        if data[field] is None:
            add_issue(
                header,
                _("“%(name)s”不是东莞的镇街（园区）；市外主体请留空。") % {"name": name},
            )

    def clean_row(self, data, add_issue) -> None:
        number = clean_text(data["registration_number"])
        data["registration_number"] = number
        if number:
            if number in self._numbers_seen:
                add_issue("登记编号", _("登记编号“%(n)s”在表格中重复") % {"n": number})
            elif TechContract.objects.filter(registration_number=number).exists():
                add_issue("登记编号", _("登记编号“%(n)s”已登记") % {"n": number})
            self._numbers_seen.add(number)
        data["note"] = data["note"] or ""
        self._division(data, "seller_division", "卖方所在镇街", add_issue)
        self._division(data, "buyer_division", "买方所在镇街", add_issue)

        titles = data["achievements"] or []
        found = {}
        for achievement in Achievement.objects.discovered().filter(title__in=titles):
            found.setdefault(achievement.title, []).append(achievement)
        achievements = []
        for title in titles:
            matches = found.get(title, [])
            if len(matches) != 1:
                message = _("找不到成果“%(t)s”") if not matches else _("成果“%(t)s”有重名")
                add_issue("关联成果", message % {"t": title})
            else:
                achievements.append(matches[0])
        data["achievements"] = achievements

        try:
            shares = parse_broker_shares(data["brokers"] or "", self._brokers)
            check_broker_shares(shares)
        except ParseError as exc:
            add_issue("技术经纪人及份额", str(exc))
            shares = []
        except ValidationError as exc:
            add_issue("技术经纪人及份额", " ".join(exc.messages))
            shares = []
        data["brokers"] = shares
