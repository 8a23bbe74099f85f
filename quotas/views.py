from django.shortcuts import redirect, render
from django.utils import timezone

from achievements.models import Achievement
from brokers import selectors as broker_selectors
from towns.choices import Role

from . import selectors


def home(request):
    """Each role lands on its own work page; the public lands on the login page."""
    if not request.user.is_authenticated:
        return redirect("login")
    user = request.user
    year = timezone.localdate().year
    context = {"year": year}
    if user.role == Role.LIAISON:
        context["progress"] = selectors.discovery_progress(user.unit, year)
        context["unit_achievements"] = Achievement.objects.visible_to(user).count()
    elif user.role in (Role.LEADER, Role.CENTER_STAFF, Role.ADMIN):
        context["city_targets"] = selectors.city_targets(year)
        context["discovered_total"] = Achievement.objects.discovered().count()
        if user.role == Role.LEADER:
            context["kpis"] = broker_selectors.transfer_kpis(year)
    elif user.role == Role.BROKER:
        broker = broker_selectors.broker_for_user(user)
        context["broker"] = broker
        context["deals"] = broker_selectors.broker_deals(broker)[:5] if broker else []
        context["by_year"] = broker_selectors.broker_facilitated_by_year(broker) if broker else []
    template = f"home/{user.role}.html"
    return render(request, template, context)
