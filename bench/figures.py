"""One measured figure, its target and whether it is met; the table and the JSON file."""

import json
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import connection
from django.utils import timezone


@dataclass
class Figure:
    part: str
    name: str
    value: float
    unit: str
    target: float | None = None
    # "min": the value must reach the target; "max": it must not exceed it.
    direction: str = "min"
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if self.direction == "min" else self.value <= self.target

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "—"
        sign = "≥" if self.direction == "min" else "≤"
        return f"{sign} {_fmt(self.target)} {self.unit}".strip()

    def as_json(self) -> dict:
        data = asdict(self)
        data["met"] = self.met
        data["target_text"] = self.target_text
        return data


def _fmt(value: float) -> str:
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"


def table(figures: list[Figure]) -> str:
    rows = [("部分", "指标", "结果", "目标", "达标")]
    for f in figures:
        met = {True: "是", False: "否", None: "—"}[f.met]
        rows.append((f.part, f.name, f"{_fmt(f.value)} {f.unit}".strip(), f.target_text, met))
    widths = [max(_width(row[i]) for row in rows) for i in range(5)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    # CJK characters take two columns on a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def write_json(path: Path, figures: list[Figure], *, scale: float, counts: dict, parts) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "measured_at": timezone.localtime().isoformat(timespec="seconds"),
        "scale": scale,
        "data": counts,
        "parts": list(parts),
        "environment": {
            "python": platform.python_version(),
            "database": f"{connection.vendor} {_server_version()}",
            "cpus": _cpus(),
        },
        "figures": [f.as_json() for f in figures],
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


def _server_version() -> str:
    version = getattr(connection, "pg_version", None)
    if not version:
        return ""
    return f"{version // 10000}.{version % 10000}"


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
