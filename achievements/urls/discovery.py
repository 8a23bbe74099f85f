from django.urls import path

from ..views import discovery as views

urlpatterns = [
    path("achievements/export/", views.achievement_export_job, name="achievement_export_job"),
    path("achievements/", views.AchievementListView.as_view(), name="achievement_list"),
    path("achievements/new/", views.achievement_create, name="achievement_create"),
    path(
        "achievements/duplicate-hint/",
        views.achievement_duplicate_hint,
        name="achievement_duplicate_hint",
    ),
    path("achievements/duplicates/", views.achievement_duplicates, name="achievement_duplicates"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement_detail"),
    path("achievements/<int:pk>/delete/", views.achievement_delete, name="achievement_delete"),
    path("achievements/deleted/", views.AchievementTrashView.as_view(), name="achievement_trash"),
    path(
        "achievements/deleted/<int:pk>/restore/",
        views.achievement_restore,
        name="achievement_restore",
    ),
    path("achievements/<int:pk>/edit/", views.achievement_edit, name="achievement_edit"),
    path("achievements/<int:pk>/submit/", views.achievement_submit, name="achievement_submit"),
    path(
        "achievements/<int:pk>/withdraw/", views.achievement_withdraw, name="achievement_withdraw"
    ),
    path("achievements/<int:pk>/reopen/", views.achievement_reopen, name="achievement_reopen"),
    path(
        "achievements/<int:pk>/send-back/",
        views.achievement_send_back,
        name="achievement_send_back",
    ),
    path(
        "achievements/<int:pk>/correction/",
        views.achievement_correction_request,
        name="achievement_correction_request",
    ),
    path(
        "achievements/feedback/<int:feedback_pk>/resolve/",
        views.achievement_correction_resolve,
        name="achievement_correction_resolve",
    ),
    path("achievements/<int:pk>/merge/", views.achievement_merge, name="achievement_merge"),
    path("achievements/<int:pk>/unmerge/", views.achievement_unmerge, name="achievement_unmerge"),
    path(
        "achievements/<int:pk>/attachments/",
        views.achievement_attachment_upload,
        name="achievement_attachment_upload",
    ),
    path(
        "achievements/attachments/<int:pk>/",
        views.achievement_attachment_download,
        name="achievement_attachment_download",
    ),
    path(
        "achievements/attachments/<int:pk>/delete/",
        views.achievement_attachment_delete,
        name="achievement_attachment_delete",
    ),
    path("achievements/import/", views.achievement_import, name="achievement_import"),
    path(
        "achievements/import/template.xlsx",
        views.achievement_import_template,
        name="achievement_import_template",
    ),
    path(
        "achievements/import/<int:pk>/",
        views.achievement_import_preview,
        name="achievement_import_preview",
    ),
    path(
        "achievements/import/<int:pk>/confirm/",
        views.achievement_import_confirm,
        name="achievement_import_confirm",
    ),
    path(
        "achievements/import/<int:pk>/cancel/",
        views.achievement_import_cancel,
        name="achievement_import_cancel",
    ),
    path(
        "achievements/import/<int:pk>/problems.xlsx",
        views.achievement_import_problems,
        name="achievement_import_problems",
    ),
]
