from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("config.api_urls")),
    path("", include("towns.urls")),
    path("", include("achievements.urls")),
    path("", include("brokers.urls")),
    path("", include("investors.urls")),
    path("", include("evaluation.urls")),
    path("", include("quotas.urls")),
]

# Under /api/ a client always gets JSON, also for an address no route matches (`/api/v1/brokers/x/`).
handler404 = "towns.views.not_found"
