from django.urls import path

from ..views import demands as views

urlpatterns = [
    path("demands/", views.DemandListView.as_view(), name="demand_list"),
    path("demands/new/", views.demand_create, name="demand_create"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/edit/", views.demand_update, name="demand_update"),
    path("demands/<int:pk>/close/", views.demand_close, name="demand_close"),
    path("demands/<int:pk>/rematch/", views.demand_rematch, name="demand_rematch"),
    path("demands/<int:pk>/matches/bulk/", views.match_bulk, name="match_bulk"),
    path("demands/<int:pk>/follow/", views.demand_follow, name="demand_follow"),
    path("matches/<int:pk>/propose/", views.match_propose, name="match_propose"),
    path("matches/<int:pk>/reject/", views.match_reject, name="match_reject"),
    path("matches/<int:pk>/accept/", views.match_accept, name="match_accept"),
    path("matches/<int:pk>/decline/", views.match_decline, name="match_decline"),
    path("demands/vocabulary/", views.SynonymGroupListView.as_view(), name="synonym_list"),
    path("demands/vocabulary/new/", views.synonym_group_edit, name="synonym_create"),
    path("demands/vocabulary/<int:pk>/edit/", views.synonym_group_edit, name="synonym_update"),
    path("demands/vocabulary/<int:pk>/links/", views.concept_links_edit, name="concept_links"),
    path("inquiries/", views.InquiryListView.as_view(), name="inquiry_list"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry_detail"),
]
