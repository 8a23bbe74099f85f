from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "towns"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/api-tokens/", views.api_tokens, name="api_tokens"),
    path("accounts/register/", views.enterprise_register, name="enterprise_register"),
    path(
        "enterprises/review/",
        views.EnterpriseReviewListView.as_view(),
        name="enterprise_review_list",
    ),
    path("enterprises/<int:pk>/review/", views.enterprise_review, name="enterprise_review"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("audit/", views.audit_trail, name="audit_trail"),
    path("history/<slug:record_kind>/<int:pk>/", views.record_history, name="record_history"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
]
