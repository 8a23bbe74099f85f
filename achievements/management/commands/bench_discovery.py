"""Benchmark of the discovery library: Excel import speed and list-page queries.

Everything runs inside a transaction that is rolled back: safe on any database (use the
PostgreSQL one of the deployment for meaningful figures).
"""

import io
import time
from dataclasses import dataclass
from random import Random

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from achievements.choices import AchievementStatus
from achievements.excel.discovery import AchievementImporter, column_specs
from achievements.models import Achievement, AchievementCredit
from achievements.services.discovery import achievements_import_rows
from towns.choices import Role
from towns.models import Division, Industry, Unit, User


class _Rollback(Exception):
    pass


SUBJECTS = ["固态电解质", "碳化硅器件", "氮化铝基板", "工业视觉", "谐波减速器", "钙钛矿电池"]
SUFFIXES = ["制备技术", "关键工艺", "产业化项目", "中试平台", "系统研发"]


@dataclass(frozen=True)
class TimedImport:
    parse_s: float
    save_s: float

    @property
    def total_s(self) -> float:
        return self.parse_s + self.save_s


def timed_import(unit, liaison, sheet, rows: int) -> TimedImport:
    """Import `sheet` as the portal does (read and validate, then save every valid row) and
    time both steps; the caller holds, and rolls back, the transaction."""
    started = time.perf_counter()
    result = AchievementImporter(unit=unit).parse(sheet)
    parsed = time.perf_counter()
    saved = achievements_import_rows(
        acting_user=liaison,
        unit=unit,
        rows=[row.data for row in result.valid_rows],
        submit=True,
        reason="bench",
    )
    done = time.perf_counter()
    if len(saved) != rows:
        raise RuntimeError(f"导入 {len(saved)}/{rows} 行：{result.issues[:3]}")
    return TimedImport(parse_s=parsed - started, save_s=done - parsed)


def bench_sheet(rows: int, seed: int = 7) -> io.BytesIO:
    """A realistic sheet of `rows` achievements, in the template's columns."""
    rng = Random(seed)
    fields = list(Industry.objects.values_list("name", flat=True))
    divisions = list(Division.objects.values_list("short_name", flat=True))
    amounts = ["500万", "0.5亿", "5,000,000", "500万元", 800, "1200"]
    dates = ["2024年3月", "2024-03", "2025-06-18", "2026年1月5日"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("成果登记表")
    sheet.append([header for header, _field, _required in column_specs()])
    for n in range(rows):
        subject = rng.choice(SUBJECTS)
        values = {
            "title": f"{subject}{rng.choice(SUFFIXES)}（批次{n:05d}）",
            "summary": f"{subject}关键指标较现有方案提升{rng.randint(10, 60)}%，已完成中试。",
            "kind": rng.choice(["企业类", "平台类", "项目类"]),
            "field": rng.choice(fields),
            "trl": rng.choice(["3", "5（小试）", "中试", "TRL 8"]),
            "ip_type": "发明专利、软件著作权",
            "ip_count": rng.randint(0, 20),
            "holder": "东莞理工学院",
            "contact_name": "陈教授",
            "contact_phone": "13800138000",
            "contact_email": "chen@example.cn",
            "expected_contribution": rng.choice(amounts),
            "funding_need": rng.choice(amounts),
            "cooperation_modes": "转让、合作开发",
            "source_channel": "重点实验室",
            "division": rng.choice(divisions),
            "discovered_on": rng.choice(dates),
            "public": rng.choice(["是", "否", ""]),
            "notes": "",
        }
        sheet.append([values[field] for _header, field, _required in column_specs()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.size = len(buffer.getvalue())
    return buffer


class Command(BaseCommand):
    help = "Measure the Excel import (rows/s) and the list page's query count (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)

    def handle(self, *args, rows, **options):
        unit = Unit.objects.get(code="dgut")
        sheet = bench_sheet(rows)
        self.stdout.write(
            f"数据库：{connection.vendor}；表格 {rows} 行，{sheet.size / 2**20:.1f} MB"
        )
        try:
            with transaction.atomic():
                liaison = User.objects.create_user(
                    username="bench_liaison", password="x", role=Role.LIAISON, unit=unit
                )
                staff = User.objects.create_user(
                    username="bench_staff", password="x", role=Role.CENTER_STAFF
                )
                self._import(unit, liaison, sheet, rows)
                self._list_queries(unit, liaison, staff)
                raise _Rollback
        except _Rollback:
            self.stdout.write("（所有数据已回滚）")

    def _import(self, unit, liaison, sheet, rows):
        timed = timed_import(unit, liaison, sheet, rows)
        self.stdout.write(
            f"导入 {rows} 行：读取与校验 {timed.parse_s:.1f} s，保存 {timed.save_s:.1f} s，"
            f"合计 {timed.total_s:.1f} s → {rows / timed.total_s:,.0f} 行/秒"
        )

    def _list_queries(self, unit, liaison, staff):
        client = Client()
        url = reverse("achievements:achievement_list")
        # Only the imported rows stay, so that both roles see the same number of records.
        imported = Achievement.objects.filter(created_by=liaison).order_by("pk")
        AchievementCredit.objects.all().delete()
        Achievement.objects.filter(status=AchievementStatus.MERGED).delete()
        Achievement.objects.exclude(created_by=liaison).delete()
        for count in (1000, 10):
            keep = list(imported.values_list("pk", flat=True)[:count])
            Achievement.objects.exclude(pk__in=keep).delete()
            for label, user in (("服务中心", staff), ("联络员", liaison)):
                client.force_login(user)
                client.get(url)
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url, {"sort": "contribution"})
                    elapsed = time.perf_counter() - started
                assert response.status_code == 200
                shown = Achievement.objects.count()
                self.stdout.write(
                    f"列表页（{label}，{shown} 条）：{len(queries.captured_queries)} 次查询，"
                    f"{elapsed * 1000:.0f} ms"
                )
