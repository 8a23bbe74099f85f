"""The achievements API's serializers, one module per part (as `achievements.views`)."""
