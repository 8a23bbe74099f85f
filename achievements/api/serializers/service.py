"""Serializers of the service API."""

from django.utils import timezone
from rest_framework import serializers

from ...models import Achievement, Escalation, EscalationInstruction, FollowUp
from ...selectors import service as selectors


class ServiceCaseSerializer(serializers.ModelSerializer):
    assignee = serializers.SerializerMethodField()
    tier = serializers.CharField(read_only=True)
    last_follow_up_period = serializers.DateField(read_only=True)
    last_progress_on = serializers.DateField(read_only=True)
    next_follow_up_due = serializers.SerializerMethodField()
    is_escalated = serializers.BooleanField(read_only=True)

    class Meta:
        model = Achievement
        fields = [
            "id",
            "title",
            "status",
            "service_route",
            "service_entered_at",
            "expected_contribution",
            "assignee",
            "tier",
            "last_follow_up_period",
            "last_progress_on",
            "next_follow_up_due",
            "is_escalated",
        ]

    def get_assignee(self, case) -> int | None:
        assignee = selectors.case_assignee(case)
        return assignee.pk if assignee else None

    def get_next_follow_up_due(self, case) -> str | None:
        due = selectors.next_follow_up_due(case, today=timezone.localdate())
        return due.due_on.isoformat() if due else None


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "achievement",
            "period",
            "followed_on",
            "progress",
            "next_step",
            "blockers",
            "route_status",
            "has_progress",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["period", "recorded_by", "created_at"]


class EscalationInstructionSerializer(serializers.ModelSerializer):
    class Meta:
        model = EscalationInstruction
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = ["author", "created_at"]


class EscalationSerializer(serializers.ModelSerializer):
    achievement_title = serializers.CharField(source="achievement.title", read_only=True)
    recipients = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    instructions = EscalationInstructionSerializer(many=True, read_only=True)

    class Meta:
        model = Escalation
        fields = [
            "id",
            "achievement",
            "achievement_title",
            "tier",
            "expected_contribution",
            "last_progress_on",
            "escalated_at",
            "recipients",
            "unrouted",
            "instructions",
            "resolved_at",
            "resolution",
            "outcome",
            "resolved_by",
        ]


class EscalationHandleSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=200)
