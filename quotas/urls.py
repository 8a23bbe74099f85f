from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("targets/discovery/", views.discovery_targets, name="discovery_targets"),
    path("targets/discovery/edit/", views.discovery_targets_edit, name="discovery_targets_edit"),
]
