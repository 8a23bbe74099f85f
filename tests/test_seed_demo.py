from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from achievements.choices import AchievementStatus
from achievements.models import (
    Achievement,
    EventRegistration,
    ExternalAchievement,
    FollowUp,
)
from achievements.selectors.discovery import duplicate_groups
from achievements.selectors.service import is_stalled, stalled_cutoff, with_case_facts
from achievements.selectors.showcase import public_entries
from achievements.services.core import normalize_title, title_is_distinctive
from brokers.models import Broker, InnovationComplex, Intermediary, PocCenter
from towns.choices import Role
from towns.models import Enterprise, User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_role_prints_logins_and_is_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    users = User.objects.count()
    enterprises = Enterprise.objects.count()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    text = out.getvalue()
    assert "演示账号" in text and "liaison_dgut" in text and "center_chen" in text

    # Every demo record has a title that can name it, and no group of strangers is offered to
    # merge: each group's records share one distinctive title and the demo's holder.
    assert not Achievement.all_objects.filter(title_normalized="").exists()
    groups = duplicate_groups()
    assert groups and all(title_is_distinctive(g.title_normalized) for g in groups)
    assert max(len(g.records) for g in groups) == 2

    call_command("seed_demo", stdout=StringIO())
    assert User.objects.count() == users
    assert Enterprise.objects.count() == enterprises
    assert User.objects.get(username="admin").check_password("Dg-demo-2026")


# --- Demo data an official would believe -------------------------------------------------------
# One demo data set for the checks below, built once for this module and rolled back after it.


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--quiet-logins", stdout=StringIO())
        yield
        transaction.set_rollback(True)


# The stage a text names and the technology readiness levels of that stage (TRL_STAGES).
STAGE_WORDS = {
    "完成实验室验证": range(1, 4),
    "完成小试": range(4, 6),
    "完成中试": range(6, 8),
    "实现量产": range(8, 10),
}
# A title naming a stage bounds its TRL.
TITLE_WORDS = {"中试": range(6, 8), "产业化": range(7, 10), "概念验证": range(3, 6)}


def _trl_disagreements(records) -> list[str]:
    wrong = []
    for title, summary, trl in records:
        if trl is None:
            continue
        for word, levels in TITLE_WORDS.items():
            if word in title and trl not in levels:
                wrong.append(f"{title}: TRL {trl}")
        for words, levels in STAGE_WORDS.items():
            if words in summary and trl not in levels:
                wrong.append(f"{title}: “{words}” but TRL {trl}")
    return wrong


def test_demo_trl_agrees_with_what_the_title_and_summary_say(demo):
    local = Achievement.all_objects.values_list("title", "summary", "trl")
    external = ExternalAchievement.objects.values_list("title", "summary", "trl")
    assert _trl_disagreements(local) == []
    assert _trl_disagreements(external) == []


# A centre named for a trade serves that trade's industry.
CENTRE_FIELDS = {
    "储能": "S05",
    "智能装备": "S02",
    "智能终端": "S01",
    "生物医药": "S06",
    "数字经济": "S07",
}


def test_demo_centres_serve_the_fields_their_names_promise(demo):
    centres = [
        *PocCenter.objects.prefetch_related("fields"),
        *Intermediary.objects.prefetch_related("fields"),
        *InnovationComplex.objects.prefetch_related("fields"),
    ]
    checked = 0
    for centre in centres:
        codes = {field.code for field in centre.fields.all()}
        assert codes, centre.name
        for word, code in CENTRE_FIELDS.items():
            if word in centre.name:
                checked += 1
                assert code in codes, (centre.name, codes)
    assert checked >= 5


def test_demo_follow_ups_agree_with_the_days_without_progress(demo):
    today = timezone.localdate()
    follow_ups = FollowUp.objects.all()
    assert follow_ups.filter(has_progress=True).exists()
    assert follow_ups.filter(has_progress=False).exists()
    for follow_up in follow_ups:
        says_nothing_moved = any(w in follow_up.progress for w in ("暂无新进展", "再议"))
        assert says_nothing_moved != follow_up.has_progress, follow_up.progress

    cases = with_case_facts(
        Achievement.objects.filter(status=AchievementStatus.SERVICE), today=today
    )
    stalled = [case for case in cases if is_stalled(case, today=today)]
    assert stalled and len(stalled) < len(cases)
    for case in cases:
        latest_progress = (
            FollowUp.objects.filter(achievement=case, has_progress=True)
            .order_by("-followed_on")
            .values_list("followed_on", flat=True)
            .first()
        )
        if case in stalled:
            # Nothing recorded as progress within the threshold: the counter is right to count.
            assert latest_progress is None or latest_progress <= stalled_cutoff(today)
        elif case.last_follow_up_period is not None and latest_progress is None:
            # A case followed for months with no progress at all would be stalled.
            assert case.entered_on > stalled_cutoff(today), case.title


def test_demo_gives_each_person_one_role(demo):
    people: dict[str, set[str]] = {}

    def seen(name: str, role: str) -> None:
        if name:
            people.setdefault(name, set()).add(role)

    for user in User.objects.all():
        seen(user.name, f"user:{user.role}")
    for broker in Broker.objects.all():
        # A broker who signs in is the same person as their account.
        seen(broker.name, f"user:{broker.user.role}" if broker.user_id else "broker")
    for name in Achievement.all_objects.values_list("contact_name", flat=True):
        seen(name, "achievement contact")
    # A company's or a venture-capital institution's contact is its account holder.
    enterprise_users = {
        u.enterprise_id: u.name
        for u in User.objects.filter(role__in=[Role.ENTERPRISE, Role.INVESTOR])
    }
    for enterprise in Enterprise.objects.all():
        if enterprise_users.get(enterprise.pk) == enterprise.contact_name:
            continue  # the contact is the account holder
        seen(enterprise.contact_name, f"contact of {enterprise.name}")
    assert {name: roles for name, roles in people.items() if len(roles) > 1} == {}


def test_demo_showcase_lists_each_title_once(demo):
    titles = [normalize_title(t) for t in public_entries().values_list("title", flat=True)]
    assert len(titles) > 100
    assert sorted(t for t in set(titles) if titles.count(t) > 1) == []


def test_demo_sign_ups_come_before_their_event(demo):
    registrations = EventRegistration.objects.select_related("event")
    assert registrations.exists()
    for registration in registrations:
        signed_up = timezone.localtime(registration.created_at).date()
        assert signed_up <= registration.event.held_on, registration.event.title
        if registration.event.registration_deadline:
            assert signed_up <= registration.event.registration_deadline
