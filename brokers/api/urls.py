"""REST API v1 routes of the brokers app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("brokers", views.BrokerViewSet, basename="broker")
router.register("tech-contracts", views.TechContractViewSet, basename="tech-contract")
router.register("venture-rounds", views.VentureRoundViewSet, basename="venture-round")
router.register("funds", views.FundViewSet, basename="fund")
router.register("intermediaries", views.IntermediaryViewSet, basename="intermediary")
router.register("poc-centers", views.PocCenterViewSet, basename="poc-center")
router.register("reward-lists", views.RewardListViewSet, basename="reward-list")
router.register("tech-commissioners", views.TechCommissionerViewSet, basename="tech-commissioner")
router.register(
    "commissioner-services", views.CommissionerServiceViewSet, basename="commissioner-service"
)
router.register(
    "incubation-carriers", views.IncubationCarrierViewSet, basename="incubation-carrier"
)
router.register(
    "incubated-enterprises", views.IncubatedEnterpriseViewSet, basename="incubated-enterprise"
)
router.register("town-selections", views.TownSelectionViewSet, basename="town-selection")
router.register(
    "industrialisation-awards",
    views.IndustrialisationAwardViewSet,
    basename="industrialisation-award",
)
router.register("loan-loss-claims", views.LoanLossClaimViewSet, basename="loan-loss-claim")
router.register("service-revenue", views.ServiceRevenueViewSet, basename="service-revenue")

urlpatterns = router.urls
