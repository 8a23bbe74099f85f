from django.urls import path

from . import views

app_name = "investors"

urlpatterns = [
    path(
        "investors/opportunities/",
        views.OpportunityListView.as_view(),
        name="opportunity_list",
    ),
    path(
        "investors/opportunities/<int:pk>/",
        views.opportunity_detail,
        name="opportunity_detail",
    ),
    path(
        "investors/opportunities/<int:pk>/interest/",
        views.interest_express,
        name="interest_express",
    ),
    path("investors/interests/", views.InterestListView.as_view(), name="interest_list"),
    path("investors/interests/<int:pk>/arrange/", views.docking_arrange, name="docking_arrange"),
    path("investors/dockings/<int:pk>/", views.docking_detail, name="docking_detail"),
    *[
        path(
            f"investors/dockings/<int:pk>/{action}/",
            views.docking_transition,
            {"action": action},
            name=f"docking_{action}",
        )
        for action in views.DOCKING_ACTIONS
    ],
]
