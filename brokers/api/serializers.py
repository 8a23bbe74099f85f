from rest_framework import serializers

from towns.models import IncubatedEnterprise, IncubationCarrier, TechCommissioner

from .. import models as m
from ..choices import SELECTION_DECISIONS


class BrokerSerializer(serializers.ModelSerializer):
    certificate_level = serializers.CharField(source="certificate_level.name")
    training_base = serializers.CharField(source="training_base.name")
    fields = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = m.Broker
        fields = [
            "id",
            "name",
            "employer",
            "fields",
            "certificate_level",
            "training_base",
            "certificate_number",
            "certificate_date",
            "status",
            "status_display",
            "reviewed_at",
        ]


class ContractBrokerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="broker.name")

    class Meta:
        model = m.ContractBroker
        fields = ["broker", "name", "share"]


class TechContractSerializer(serializers.ModelSerializer):
    brokers = ContractBrokerSerializer(source="broker_shares", many=True, read_only=True)
    achievements = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    seller_division = serializers.CharField(source="seller_division.name", default=None)
    buyer_division = serializers.CharField(source="buyer_division.name", default=None)
    has_dongguan_party = serializers.BooleanField(read_only=True)

    class Meta:
        model = m.TechContract
        fields = [
            "id",
            "title",
            "contract_type",
            "registration_number",
            "registered_on",
            "amount",
            "seller_name",
            "seller_division",
            "buyer_name",
            "buyer_division",
            "has_dongguan_party",
            "achievements",
            "brokers",
        ]


class VentureRoundSerializer(serializers.ModelSerializer):
    achievement_title = serializers.CharField(source="achievement.title")
    achievement_status = serializers.CharField(source="achievement.status")
    fund_name = serializers.CharField(source="fund.name", default=None, allow_null=True)

    class Meta:
        model = m.VentureRound
        fields = [
            "id",
            "achievement",
            "achievement_title",
            "achievement_status",
            "investor",
            "fund",
            "fund_name",
            "round",
            "amount",
            "invested_on",
        ]


class FundSerializer(serializers.ModelSerializer):
    parent_name = serializers.CharField(source="parent.name", default=None, allow_null=True)
    partner_division = serializers.CharField(
        source="partner_division.name", default=None, allow_null=True
    )
    fields = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    children = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = m.Fund
        fields = [
            "id",
            "name",
            "level",
            "parent",
            "parent_name",
            "children",
            "partner_division",
            "partner_platform",
            "manager",
            "size",
            "fields",
            "established_on",
        ]


class IntermediarySerializer(serializers.ModelSerializer):
    division = serializers.CharField(source="division.name", default=None)
    fields = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    landed_projects = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = m.Intermediary
        fields = [
            "id",
            "name",
            "division",
            "fields",
            "recognition_year",
            "first_above_scale_year",
            "landed_projects",
        ]


class PocCenterSerializer(serializers.ModelSerializer):
    division = serializers.CharField(source="division.name")
    fields = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = m.PocCenter
        fields = [
            "id",
            "name",
            "kind",
            "operator",
            "division",
            "fields",
            "status",
            "recognised_year",
        ]


class RewardLineSerializer(serializers.ModelSerializer):
    rule_display = serializers.CharField(source="get_rule_display")
    inputs = serializers.ListField(source="input_rows", read_only=True)
    basis = serializers.CharField(source="basis_text", read_only=True)

    class Meta:
        model = m.RewardLine
        fields = ["position", "rule", "rule_display", "beneficiary", "inputs", "basis", "amount"]


class RewardListSerializer(serializers.ModelSerializer):
    lines = RewardLineSerializer(many=True, read_only=True)

    class Meta:
        model = m.RewardList
        fields = [
            "id",
            "year",
            "status",
            "total",
            "computed_at",
            "approved_at",
            "approved_by",
            "lines",
        ]


# --- Seed 000 registers --------------------------------------------------------------------------


class TechCommissionerSerializer(serializers.ModelSerializer):
    division = serializers.CharField(source="division.name")
    service_count = serializers.IntegerField(read_only=True)
    demands_solved = serializers.IntegerField(read_only=True)

    class Meta:
        model = TechCommissioner
        fields = [
            "id",
            "name",
            "employer",
            "expertise",
            "division",
            "dispatched_on",
            "ended_on",
            "service_count",
            "demands_solved",
        ]


class CommissionerServiceSerializer(serializers.ModelSerializer):
    commissioner_name = serializers.CharField(source="commissioner.name")
    division = serializers.CharField(source="commissioner.division.name")

    class Meta:
        model = m.CommissionerService
        fields = [
            "id",
            "commissioner",
            "commissioner_name",
            "division",
            "enterprise",
            "served_on",
            "problem",
            "result",
            "demand",
            "solved",
        ]


class IncubationCarrierSerializer(serializers.ModelSerializer):
    division = serializers.CharField(source="division.name")
    occupancy_percent = serializers.IntegerField(read_only=True, allow_null=True)
    incubating = serializers.IntegerField(read_only=True)
    graduated = serializers.IntegerField(read_only=True)
    high_tech = serializers.IntegerField(read_only=True)
    gazelles = serializers.IntegerField(read_only=True)

    class Meta:
        model = IncubationCarrier
        fields = [
            "id",
            "name",
            "kind",
            "level",
            "division",
            "operator",
            "recognised_year",
            "capacity",
            "occupied",
            "occupancy_percent",
            "incubating",
            "graduated",
            "high_tech",
            "gazelles",
        ]


class IncubatedEnterpriseSerializer(serializers.ModelSerializer):
    carrier_name = serializers.CharField(source="carrier.name")
    is_gazelle = serializers.BooleanField(read_only=True)

    class Meta:
        model = IncubatedEnterprise
        fields = [
            "id",
            "carrier",
            "carrier_name",
            "name",
            "credit_code",
            "entered_on",
            "graduated_on",
            "high_tech_year",
            "is_gazelle",
        ]


class MechanismSerializer(serializers.Serializer):
    field = serializers.CharField()
    work = serializers.CharField(allow_blank=True)


class TownSelectionSerializer(serializers.ModelSerializer):
    division = serializers.CharField(source="division.name")
    mechanism = serializers.SerializerMethodField()
    mechanism_complete = serializers.BooleanField(read_only=True)

    class Meta:
        model = m.TownSelection
        fields = [
            "id",
            "division",
            "year",
            "innovation_strong_town",
            "leading_industries",
            "support_role",
            "industry_profile",
            "mechanism",
            "mechanism_complete",
            "stage",
            "decided_at",
            "decision_note",
        ]

    def get_mechanism(self, obj) -> list[dict]:
        return MechanismSerializer(
            [{"field": label, "work": text} for label, text in obj.mechanism], many=True
        ).data


class TownSelectionDecisionSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=[(s.value, s.label) for s in SELECTION_DECISIONS])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class IndustrialisationAwardSerializer(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name")

    class Meta:
        model = m.IndustrialisationAward
        fields = ["id", "project", "project_name", "year", "performance", "proposed_amount"]


class LoanLossClaimSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.LoanLossClaim
        fields = [
            "id",
            "bank",
            "enterprise",
            "loan_amount",
            "loss_amount",
            "year",
            "requested_rate",
        ]


class ServiceRevenueSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.ServiceRevenue
        fields = ["id", "year", "revenue", "source"]
