"""The achievements API's viewsets, one module per part (as `achievements.views`)."""
