from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("evaluation/batches/", views.BatchListView.as_view(), name="batch_list"),
    path("evaluation/batches/new/", views.batch_create, name="batch_create"),
    path("evaluation/batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("evaluation/batches/<int:pk>/edit/", views.batch_edit, name="batch_edit"),
    path("evaluation/batches/<int:pk>/criteria/", views.batch_criteria, name="batch_criteria"),
    path("evaluation/batches/<int:pk>/add/", views.batch_add_items, name="batch_add_items"),
    path("evaluation/batches/<int:pk>/select/", views.batch_select, name="batch_select"),
    path("evaluation/batches/<int:pk>/reopen/", views.batch_reopen, name="batch_reopen"),
    path("evaluation/batches/<int:pk>/confirm/", views.batch_confirm, name="batch_confirm"),
    path(
        "evaluation/batches/<int:pk>/items/<int:item_pk>/",
        views.batch_item_detail,
        name="batch_item_detail",
    ),
    path(
        "evaluation/batches/<int:pk>/items/<int:item_pk>/score/",
        views.score_item,
        name="score_item",
    ),
    path(
        "evaluation/batches/<int:pk>/items/<int:item_pk>/remove/",
        views.batch_item_remove,
        name="batch_item_remove",
    ),
    path(
        "evaluation/achievements/<int:pk>/",
        views.achievement_evaluation,
        name="achievement_evaluation",
    ),
    path(
        "evaluation/recommendations/",
        views.RecommendationListView.as_view(),
        name="recommendation_list",
    ),
    path(
        "evaluation/recommendations/new/",
        views.recommendation_create,
        name="recommendation_create",
    ),
    path(
        "evaluation/recommendations/<int:pk>/letter/",
        views.recommendation_letter,
        name="recommendation_letter",
    ),
    path("evaluation/reviews/", views.ReviewListView.as_view(), name="review_list"),
    path("evaluation/reviews/new/", views.review_create, name="review_create"),
    path(
        "evaluation/pick/<slug:purpose>/",
        views.achievement_picker,
        name="achievement_picker",
    ),
    path("evaluation/reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("evaluation/valuations/", views.ValuationListView.as_view(), name="valuation_list"),
    path("evaluation/valuations/new/", views.valuation_create, name="valuation_create"),
    path("evaluation/valuations/<int:pk>/", views.valuation_detail, name="valuation_detail"),
    path(
        "evaluation/valuations/<int:pk>/report/",
        views.valuation_report,
        name="valuation_report",
    ),
]
