from django.urls import path, re_path

from ..views import showcase as views

urlpatterns = [
    path("showcase/", views.showcase_list, name="showcase_list"),
    path("showcase/manage/", views.ExternalAchievementListView.as_view(), name="external_list"),
    path("showcase/manage/import/", views.external_import, name="external_import"),
    path("showcase/manage/template.xlsx", views.external_template, name="external_template"),
    path(
        "showcase/manage/<int:pk>/publish/",
        views.external_set_published,
        name="external_set_published",
    ),
    # Readable addresses: /showcase/A123-高性能固态电池电解质材料/ (the words are optional).
    re_path(
        r"^showcase/(?P<key>[AE]\d+)(?:-(?P<slug>[^/]*))?/$",
        views.showcase_detail,
        name="showcase_detail",
    ),
    re_path(
        r"^showcase/(?P<key>[AE]\d+)/interest/$", views.showcase_interest, name="showcase_interest"
    ),
]
