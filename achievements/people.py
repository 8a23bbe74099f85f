"""People hook (`achievements.matching.people`): the teams behind the achievements that best fit
a talent demand, named by their holder unit (持有单位) and their contact person."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.wording import list_separator

from . import matching
from .matching.people import Candidate, PeopleQuery
from .models import Achievement
from .selectors.discovery import contact_for
from .services.demands import MIN_SCORE

KIND = "team"
LABEL = gettext_lazy("成果团队")
ORDER = 30
# How many of the best achievements are grouped into teams.
ACHIEVEMENTS_READ = 30
TITLES_SHOWN = 3


def find(query: PeopleQuery, user) -> list[Candidate]:
    ranked = [
        r
        for r in matching.rank(query.vocabulary, query.query, limit=ACHIEVEMENTS_READ)
        if r.score >= MIN_SCORE
    ]
    records = Achievement.objects.select_related("discovering_unit").in_bulk(
        [r.achievement_id for r in ranked]
    )
    teams: dict[str, Candidate] = {}
    titles: dict[str, list[str]] = {}
    for r in ranked:  # best first: a team is shown by its best achievement
        achievement = records.get(r.achievement_id)
        if achievement is None:
            continue
        holder = (achievement.holder or achievement.discovering_unit.name).strip()
        key = f"{KIND}:{holder}:{achievement.contact_name}"
        titles.setdefault(key, []).append(achievement.title)
        if key in teams:
            continue
        contact = contact_for(achievement, user)
        teams[key] = Candidate(
            kind=KIND,
            key=key,
            name=_("%(person)s 团队") % {"person": contact.name} if contact.name else holder,
            affiliation=holder,
            contact={
                "name": contact.name,
                "phone": contact.phone,
                "email": contact.email,
                "masked": contact.masked,
            },
            url=reverse("achievements:achievement_detail", args=[achievement.pk]),
            score=r.score,
            explanation=r.explanation,
        )
    for key, team in teams.items():
        shown = list_separator().join(titles[key][:TITLES_SHOWN])
        team.detail = _("相关成果 %(n)d 项：%(titles)s") % {"n": len(titles[key]), "titles": shown}
    return list(teams.values())
