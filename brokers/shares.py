"""Brokers credited on a contract and their shares: read from text (Excel) and checked."""

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kernel.parsing import ParseError, clean_text, split_list
from kernel.wording import list_separator

from .choices import BrokerStatus
from .models import Broker

# A share is written with a percent sign or in brackets: `孙立新 60%`, `孙立新（60）`.
_SHARE = re.compile(
    r"^(?P<who>.+?)\s*(?:[（(]\s*(?P<bracketed>\d+(?:\.\d+)?)\s*%?\s*[)）]"
    r"|(?P<percent>\d+(?:\.\d+)?)\s*%)$"
)


def parse_broker_shares(value, brokers: Sequence[Broker]) -> list[tuple[Broker, Decimal]]:
    """`孙立新 60%、王芳 40%` (names or certificate numbers) → [(broker, share)]; one broker
    without a share gets 100 %."""
    by_key: dict[str, list[Broker]] = {}
    for broker in brokers:
        by_key.setdefault(broker.name, []).append(broker)
        by_key.setdefault(broker.certificate_number, []).append(broker)
    parts = split_list(value)
    result = []
    for part in parts:
        text = clean_text(part)
        match = _SHARE.match(text)
        if match:
            who, share = match["who"].strip(), match["bracketed"] or match["percent"]
        else:
            who, share = text, None
        if share is None and len(parts) > 1:
            raise ParseError(_("“%(part)s”缺少份额，如“孙立新 60%%”。") % {"part": part})
        found = by_key.get(who, [])
        if not found:
            raise ParseError(_("找不到已入库的技术经纪人“%(who)s”。") % {"who": who})
        if len(found) > 1:
            raise ParseError(_("“%(who)s”有重名，请改填证书编号。") % {"who": who})
        try:
            amount = Decimal(share) if share is not None else Decimal(100)
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
            raise ParseError(_("份额格式不正确")) from exc
        result.append((found[0], amount))
    return result


def check_broker_shares(shares: Sequence[tuple[Broker, Decimal]]) -> None:
    """Credited brokers are in the library, named once, and their shares add up to 100 %."""
    if not shares:
        return
    brokers = [broker for broker, _share in shares]
    if len({b.pk for b in brokers}) != len(brokers):
        raise ValidationError(_("同一技术经纪人只能填写一次。"))
    outside = [b.name for b in brokers if b.status != BrokerStatus.IN_LIBRARY]
    if outside:
        raise ValidationError(
            _("%(names)s 尚未入库，不能记入合同。") % {"names": list_separator().join(outside)}
        )
    total = sum((share for _broker, share in shares), Decimal(0))
    if total != 100:
        raise ValidationError(
            _("经纪人份额合计应为100%%，当前为%(total)s%%。") % {"total": f"{total.normalize():f}"}
        )
