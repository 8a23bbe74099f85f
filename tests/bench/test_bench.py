"""`manage.py bench_data` and `manage.py bench` at a tiny scale: the code of `make bench` runs in
CI; the figures themselves are measured by `make bench`, never asserted here."""

import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from achievements.choices import DISCOVERED_STATUSES, SERVICE_LIBRARY_STATUSES, AchievementStatus
from achievements.matching.evaluation import load_labelled_set
from achievements.models import Achievement, Assignment, Demand, FollowUp, Landing, ShowcaseEntry
from bench.data import SEED, Corpus
from bench.management.commands.bench import PARTS
from brokers.models import Broker, ContractBroker, TechContract
from evaluation.models import BatchItem, Score
from towns.models import Enterprise

SCALE = 0.002  # 200 achievements, 40 demands, 4 brokers, 60 contracts, 10 enterprises

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="manage.py bench runs on PostgreSQL only"
)


def _generate():
    call_command("bench_data", scale=SCALE)


@pytest.mark.django_db
def test_bench_data_writes_the_scaled_data_set_with_its_links():
    _generate()
    labelled = len(load_labelled_set().achievements)
    assert Achievement.objects.count() == 200 + labelled
    assert Demand.objects.count() == 40
    assert Broker.objects.count() == 4
    assert TechContract.objects.count() == 60
    assert Enterprise.objects.count() == 10
    # Every unit with a liaison; titles in Chinese.
    assert all(
        any("\u4e00" <= ch <= "\u9fff" for ch in title)
        for title in Achievement.objects.values_list("title", flat=True)
    )
    service = Achievement.objects.filter(status__in=SERVICE_LIBRARY_STATUSES)
    assert service.exists()
    # 包干制: each service-library case has exactly one current responsible person.
    assert Assignment.objects.current().count() == service.count()
    assert FollowUp.objects.filter(achievement__in=service).exists()
    landed = Achievement.objects.filter(status=AchievementStatus.LANDED)
    assert Landing.objects.landed().count() == landed.count() > 0
    # Selected by an evaluation batch, scored by three experts.
    assert BatchItem.objects.filter(achievement__in=service).count() == service.count()
    assert Score.objects.count() == 3 * BatchItem.objects.count()
    assert ContractBroker.objects.exists()
    public = Achievement.objects.filter(is_public=True, status__in=DISCOVERED_STATUSES)
    assert ShowcaseEntry.objects.count() == public.count()
    assert set(ShowcaseEntry.objects.values_list("key", flat=True)) == {
        f"A{pk}" for pk in public.values_list("pk", flat=True)
    }


@pytest.mark.django_db
def test_bench_data_refuses_a_database_that_holds_achievements():
    _generate()
    before = Achievement.objects.count()
    with pytest.raises(CommandError, match="已有科技成果"):
        call_command("bench_data", scale=SCALE)
    assert Achievement.objects.count() == before


@pytest.mark.django_db
def test_bench_data_is_deterministic():
    _generate()
    first = Achievement.objects.order_by("pk").first()
    # Every text comes from the seeded corpus: the first title is the corpus's first title.
    assert first.title == Corpus(SEED).text()[0]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite only")
@pytest.mark.django_db
def test_bench_refuses_sqlite_with_a_clear_message():
    with pytest.raises(CommandError, match="只在 PostgreSQL 上运行"):
        call_command("bench", scale=SCALE)


@pytest.mark.django_db
def test_bench_refuses_unknown_parts():
    if connection.vendor != "postgresql":
        pytest.skip("refused earlier on SQLite")
    with pytest.raises(CommandError, match="未知的部分"):
        call_command("bench", parts="web,teleport", in_current_database=True)


@on_postgresql
@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed")
@pytest.mark.django_db(transaction=True)
def test_bench_measures_every_part_and_writes_figures_with_targets(tmp_path, capsys):
    _generate()
    output = tmp_path / "latest.json"
    call_command(
        "bench",
        scale=SCALE,
        in_current_database=True,
        seconds=2,
        connections=2,
        output=str(output),
    )
    result = json.loads(output.read_text())
    assert result["parts"] == list(PARTS)
    figures = {f["name"]: f for f in result["figures"]}
    # Each page three ways (idle, under the writer's writes, page cache off), against the bare
    # view of the same server; no error response.
    for page in ("展示区搜索", "发现库列表（筛选）", "成果详情页", "领导驾驶舱", "需求匹配 API"):
        for mode in ("部署（空闲）", "部署（同时写入）", "关闭整页缓存"):
            figure = figures[f"{page}：{mode}（空视图的比例）"]
            assert figure["extra"]["errors"] == 0, figure
        assert figures[f"{page}：部署（同时写入） p95 延迟"]["target"] == 50.0
    assert figures["成果详情页：部署（同时写入）（空视图的比例）"]["target"] == 0.25
    assert figures["成果详情页：关闭整页缓存（空视图的比例）"]["target"] == 0.10
    assert figures["领导驾驶舱：部署（同时写入）（空视图的比例）"]["target"] == 0.15
    assert figures["领导驾驶舱：关闭整页缓存（空视图的比例）"]["target"] == 0.05
    assert figures["空视图（无数据库）基准（部署（空闲））"]["value"] > 0
    # The writer wrote through the services meanwhile.
    assert figures["同时写入：写入速率（成果、跟踪、落地、需求轮流）"]["extra"]["total"] > 0
    assert sum(f["extra"].get("requests", 0) for f in result["figures"]) > 0
    parts = {f["part"] for f in result["figures"]}
    assert parts == {"网页", "剖析", "匹配", "批量"}
    for figure in result["figures"]:
        assert figure["met"] in (True, False, None)
        assert (figure["met"] is None) == (figure["target"] is None)
    printed = capsys.readouterr().out
    assert "达标" in printed and str(output) in printed
    # Writes of the bulk parts were rolled back.
    assert Achievement.objects.count() == 200 + len(load_labelled_set().achievements)
