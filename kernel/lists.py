"""The list page every app uses: a scoped queryset, a django-filter FilterSet (the same one the
API uses), whitelisted sorting, pagination, and an .xlsx export of the filtered rows."""

import hashlib

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.views.generic import ListView

from .cache import cached_over_data, data_generation, follows_data_generation, tables_in
from .excel import SheetSpec, xlsx_response

COUNT_CACHE_SECONDS = 600


class CachedCountPaginator(Paginator):
    """Remembers the number of filtered rows until a table the count reads is written: at 100,000
    achievements the COUNT behind "共 n 条" and the page links costs more than reading the page
    itself.

    The key is the count's own SQL, so each user's scope and each filter has its own entry; only
    for models whose every write bumps their table's generation (`follows_data_generation`)."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        try:
            sql, params = queryset.order_by().query.sql_with_params()
        except EmptyResultSet:
            return 0
        digest = hashlib.sha1(repr((sql, params)).encode(), usedforsecurity=False).hexdigest()
        return cached_over_data(f"lists:count:{digest}", queryset.count, COUNT_CACHE_SECONDS)


def filter_tables(filterset) -> set[str]:
    """The tables a filter bar's choices are read from."""
    tables = set()
    for field in filterset.form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        try:
            tables |= tables_in(queryset.query.sql_with_params()[0])
        except EmptyResultSet:
            continue
    return tables


class FilteredListView(LoginRequiredMixin, ListView):
    cached_page = True  # kernel/pagecache.py (exports are files, never kept)
    filterset_class = None
    paginate_by = 20
    # sort key in the URL -> (label, order_by fields); the first is the default.
    sort_options: dict[str, tuple[str, tuple[str, ...]]] = {}
    export_filename = ""

    def get_scoped_queryset(self):
        """The rows this user may see (`Model.objects.visible_to(user)`), before filters."""
        raise ImproperlyConfigured(f"{type(self).__name__} must define get_scoped_queryset()")

    def get_paginator(self, queryset, *args, **kwargs):
        if follows_data_generation(queryset.model):
            return CachedCountPaginator(queryset, *args, **kwargs)
        return super().get_paginator(queryset, *args, **kwargs)

    def get_queryset(self):
        queryset = self.get_scoped_queryset()
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(
                self.request.GET or None, queryset=queryset, request=self.request
            )
            queryset = self.filterset.qs if self.filterset.is_bound else queryset
        return queryset.order_by(*self.current_sort()[1][1])

    def current_sort(self) -> tuple[str, tuple[str, tuple[str, ...]]]:
        if not self.sort_options:
            return "", ("", ("-pk",))
        key = self.request.GET.get("sort", "")
        if key not in self.sort_options:
            key = next(iter(self.sort_options))
        return key, self.sort_options[key]

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.export_filename:
            return self.export(self.get_queryset())
        return super().get(request, *args, **kwargs)

    def export_sheet(self, queryset) -> SheetSpec:
        raise ImproperlyConfigured(f"{type(self).__name__} must define export_sheet()")

    def export(self, queryset):
        return xlsx_response(self.export_filename, [self.export_sheet(queryset)])

    def filters_generation(self) -> str | None:
        if self.filterset is None or not follows_data_generation(self.object_list.model):
            return None
        tables = filter_tables(self.filterset)
        return data_generation(*tables) if tables else "fixed"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sort_key, _ = self.current_sort()
        context.update(
            filterset=self.filterset,
            sort_key=sort_key,
            sort_options=[(key, label) for key, (label, _) in self.sort_options.items()],
            can_export=bool(self.export_filename),
            # The rendered filter bar is cached under the generations of the tables its choices
            # come from (includes/filter_form.html).
            filters_generation=self.filters_generation(),
        )
        return context
