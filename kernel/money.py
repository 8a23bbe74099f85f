"""Money is kept in yuan as Decimal and shown in 万元 / 亿元 (in millions of yuan in English)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
MILLION = Decimal(1_000_000)


def _fmt(amount: Decimal, places: int = 2) -> str:
    quantum = Decimal(1).scaleb(-places)
    text = f"{amount.quantize(quantum, rounding=ROUND_HALF_UP):,}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_yuan(value) -> str:
    """1,500,000 → 150万元; 250,000,000 → 2.5亿元; 800 → 800元."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    magnitude = abs(amount)
    if (get_language() or "").startswith("en"):
        # 万 and 亿 have no English word: English readers count in millions.
        if magnitude >= MILLION:
            return f"{_fmt(amount / MILLION, 2)} million yuan"
        return f"{_fmt(amount, 2)} yuan"
    if magnitude >= YI:
        return f"{_fmt(amount / YI, 2)}亿元"
    if magnitude >= WAN:
        return f"{_fmt(amount / WAN, 2)}万元"
    return f"{_fmt(amount, 2)}元"


def format_wan(value) -> str:
    """Always in 万元, for aligned table columns."""
    if value is None or value == "":
        return ""
    return _fmt(Decimal(value) / WAN, 2)


def is_money_field(field) -> bool:
    """A model field holding an amount in yuan (the portal's MONEY decimals)."""
    return getattr(field, "max_digits", None) == 16 and getattr(field, "decimal_places", None) == 2


def money_label(verbose_name) -> str:
    """A money field's name with the unit people read and type: amounts are kept in yuan, but
    forms, histories and send-backs all say 万元 (“预期综合经济贡献（万元）”)."""
    text = str(verbose_name)
    for stored, shown in (("（元）", "（万元）"), (" (yuan)", " (10k yuan)")):
        if text.endswith(stored):
            return text[: -len(stored)] + shown
    return text
