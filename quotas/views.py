from django.shortcuts import render
from django.utils import timezone

from achievements.models import Achievement
from achievements.selectors.demands import enterprise_overview
from achievements.views.showcase import showcase_list
from towns.choices import Role

from . import selectors


def home(request):
    """Each role lands on its own work page; the public lands on the showcase."""
    if not request.user.is_authenticated:
        return showcase_list(request)
    user = request.user
    year = timezone.localdate().year
    context = {"year": year}
    if user.role == Role.LIAISON:
        context["progress"] = selectors.discovery_progress(user.unit, year)
        context["unit_achievements"] = Achievement.objects.visible_to(user).count()
    elif user.role in (Role.LEADER, Role.CENTER_STAFF, Role.ADMIN):
        context["city_targets"] = selectors.city_targets(year)
        context["discovered_total"] = Achievement.objects.discovered().count()
    elif user.role == Role.ENTERPRISE:
        context.update(enterprise_overview(user))
    template = f"home/{user.role}.html"
    return render(request, template, context)
