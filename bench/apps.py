from django.apps import AppConfig


class BenchConfig(AppConfig):
    """`make bench`: no models, only its management commands (`bench`, `bench_data`,
    `bench_writer`)."""

    name = "bench"
    verbose_name = "基准测试"
