from django.urls import path

from . import views
from .views import REGISTERS, RegisterFormView, RegisterListView

app_name = "brokers"

# Where each register lives in the URL space.
REGISTER_PATHS = {
    "broker": "brokers",
    "contract": "tech-contracts",
    "venture": "venture-capital",
    "fund": "venture-capital/funds",
    "intermediary": "intermediaries",
    "poc": "poc-centers",
    "event": "transfer-events",
    "outstanding": "outstanding-individuals",
    "major_project": "programmes/major-projects",
    "gazelle": "programmes/gazelles",
    "cooperation": "programmes/cooperation-projects",
    "complex": "programmes/innovation-complexes",
    "demo_town": "programmes/demonstration-towns",
    "commissioner": "programmes/tech-commissioners",
    "commissioner_service": "programmes/commissioner-services",
    "carrier": "programmes/incubation-carriers",
    "incubated": "programmes/incubated-enterprises",
    "town_selection": "programmes/town-selections",
    "industrialisation_award": "programmes/industrialisation-awards",
    "loan_loss": "programmes/loan-loss-claims",
    "service_revenue": "programmes/service-revenue",
}


def register_urls(key: str) -> list:
    register = REGISTERS[key]
    prefix = REGISTER_PATHS[key]
    list_view = views.ContractListView if key == "contract" else RegisterListView
    patterns = [path(f"{prefix}/", list_view.as_view(register=register), name=f"{key}_list")]
    if register.form is not None:
        form_view = RegisterFormView.as_view(register=register)
        patterns += [
            path(f"{prefix}/new/", form_view, name=f"{key}_create"),
            path(f"{prefix}/<int:pk>/edit/", form_view, name=f"{key}_update"),
        ]
    return patterns


urlpatterns = [
    path("brokers/new/", views.broker_create, name="broker_create"),
    path("brokers/me/", views.broker_me, name="broker_me"),
    path("brokers/<int:pk>/", views.broker_detail, name="broker_detail"),
    path("brokers/<int:pk>/edit/", views.broker_update, name="broker_update"),
    path("brokers/<int:pk>/verify/", views.broker_verify, name="broker_verify"),
    path("brokers/<int:pk>/reject/", views.broker_reject, name="broker_reject"),
    path("brokers/<int:pk>/certificate/", views.broker_certificate, name="broker_certificate"),
    path("tech-contracts/new/", views.contract_create, name="contract_create"),
    path("tech-contracts/import/", views.contract_import, name="contract_import"),
    path(
        "tech-contracts/import/template/",
        views.contract_import_template,
        name="contract_import_template",
    ),
    path(
        "tech-contracts/import/<int:pk>/confirm/",
        views.contract_import_confirm,
        name="contract_import_confirm",
    ),
    path("tech-contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("tech-contracts/<int:pk>/edit/", views.contract_update, name="contract_update"),
    path(
        "tech-contracts/<int:pk>/landing-evidence/<int:achievement_pk>/",
        views.contract_landing_evidence,
        name="contract_landing_evidence",
    ),
    path("intermediaries/<int:pk>/", views.intermediary_detail, name="intermediary_detail"),
    path("poc-centers/<int:pk>/", views.poc_detail, name="poc_detail"),
    path("rewards/", views.reward_index, name="reward_index"),
    path("rewards/<int:year>/", views.reward_list, name="reward_list"),
    path("rewards/<int:year>/compute/", views.reward_compute, name="reward_compute"),
    path("rewards/<int:year>/approve/", views.reward_approve, name="reward_approve"),
    path("programmes/", views.programme_overview, name="programme_overview"),
    path(
        "programmes/town-selections/<int:pk>/",
        views.town_selection_detail,
        name="town_selection_detail",
    ),
    *[pattern for key in REGISTER_PATHS for pattern in register_urls(key)],
]
