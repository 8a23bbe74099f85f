from django.urls import path

from ..views import events as views

urlpatterns = [
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/new/", views.event_edit, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_update"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path(
        "events/<int:pk>/register/cancel/",
        views.event_registration_cancel,
        name="event_registration_cancel",
    ),
    path("events/<int:pk>/held/", views.event_mark_held, name="event_mark_held"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/outcomes/", views.event_outcome_add, name="event_outcome_add"),
    path(
        "events/outcomes/<int:pk>/delete/",
        views.event_outcome_delete,
        name="event_outcome_delete",
    ),
]
