import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from achievements.choices import AchievementStatus, ServiceRoute
from achievements.models import AchievementTransition
from evaluation.models import Recommendation
from towns.choices import Role
from towns.models import Notification

from ..factories import next_year
from .factories import pdf_file, submitted

pytestmark = pytest.mark.django_db


def recommend(client, achievement, letter=None, **changes):
    return client.post(
        reverse("evaluation:recommendation_create"),
        {
            "achievement": achievement.pk,
            "recommender_kind": "chain_leader",
            "recommender_name": "东莞某链主电子有限公司",
            "letter": letter or pdf_file(),
            "letter_date": "2025-03-18",
            "reason": "与本企业产线高度契合，拟联合建设中试线。",
            **changes,
        },
    )


def test_a_written_recommendation_puts_the_achievement_into_the_service_library(
    client, center_staff, liaison, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    achievement = submitted(title="高精度视觉检测", liaison=liaison)
    client.force_login(center_staff)
    response = recommend(client, achievement)
    assert response.status_code == 302
    achievement.refresh_from_db()
    assert (achievement.status, achievement.service_route) == (
        AchievementStatus.SERVICE,
        ServiceRoute.RECOMMENDATION,
    )
    assert AchievementTransition.objects.get(achievement=achievement).reason == (
        "东莞某链主电子有限公司 重点推荐"
    )
    recommendation = Recommendation.objects.get()
    assert recommendation.created_by == center_staff
    assert Notification.objects.get(recipient=liaison).title == (
        "“高精度视觉检测”经重点推荐进入成果服务库"
    )

    # Marked as such on every list and page that shows it.
    for url in (
        reverse("achievements:service_case_list"),
        reverse("achievements:service_case_detail", args=[achievement.pk]),
        reverse("evaluation:recommendation_list"),
        reverse("evaluation:achievement_evaluation", args=[achievement.pk]),
    ):
        assert "重点推荐" in client.get(url).content.decode(), url

    letter = client.get(reverse("evaluation:recommendation_letter", args=[recommendation.pk]))
    assert letter["Content-Type"] == "application/pdf"
    assert b"".join(letter.streaming_content).startswith(b"%PDF-")


def test_the_letter_must_be_a_real_pdf_or_image(client, center_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    achievement = submitted()
    client.force_login(center_staff)
    fake = SimpleUploadedFile("letter.pdf", b"just text", content_type="application/pdf")
    response = recommend(client, achievement, letter=fake)
    assert "文件内容不是允许的类型" in response.content.decode()
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.SUBMITTED
    assert not Recommendation.objects.exists()


def test_a_letter_dated_in_the_future_is_refused(client, center_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(center_staff)
    response = recommend(client, submitted(), letter_date=next_year())
    assert "推荐函日期不能晚于今天。" in response.content.decode()


def test_only_discovery_library_achievements_are_offered(client, center_staff):
    from ..factories import AchievementFactory

    submitted(title="发现库成果")
    AchievementFactory(status="draft", title="草稿成果")
    client.force_login(center_staff)
    page = client.get(reverse("evaluation:recommendation_create")).content.decode()
    assert "发现库成果" in page and "草稿成果" not in page
    found = client.get(reverse("evaluation:recommendation_create"), {"q": "发现"}).content
    assert "发现库成果" in found.decode()


@pytest.mark.parametrize("role", ["liaison", "leader", "evaluator", "enterprise", "broker"])
def test_only_staff_record_recommendations(client, users_by_role, role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("evaluation:recommendation_create")).status_code == 403


def test_the_letter_is_served_only_to_those_who_see_the_recommendation(
    client, center_staff, liaison, other_liaison, leader, evaluator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    achievement = submitted()
    client.force_login(center_staff)
    recommend(client, achievement)
    url = reverse("evaluation:recommendation_letter", args=[Recommendation.objects.get().pk])
    for user, status in (
        (leader, 200),
        (liaison, 200),
        (other_liaison, 404),
        (evaluator, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user.username


def test_the_picker_searches_as_you_type_a_page_at_a_time(
    client, center_staff, django_assert_max_num_queries
):
    """Instead of a 101-option select: a search endpoint (htmx) answering a page of ten, the
    picked achievement first; the form accepts any pickable achievement, not only a page's."""
    from ..factories import AchievementFactory

    rows = [submitted(title=f"视觉检测成果{n:02d}") for n in range(25)]
    AchievementFactory(status="draft", title="视觉检测草稿")
    client.force_login(center_staff)
    url = reverse("evaluation:achievement_picker", args=["recommendation"])
    client.get(url, {"q": "视觉"})  # per-process caches
    with django_assert_max_num_queries(12) as captured:
        page = client.get(url, {"q": "视觉"})
    html = page.content.decode()
    assert html.count('type="radio" name="achievement"') == 10
    assert "共 25 项，第 1/3 页" in html and "视觉检测草稿" not in html
    # The picked one stays first on another page, checked; same number of queries.
    with django_assert_max_num_queries(len(captured.captured_queries) + 1):
        html = client.get(
            url, {"q": "视觉", "page": 3, "achievement": rows[-1].pk}
        ).content.decode()
    assert f'value="{rows[-1].pk}" checked' in html
    assert html.count('type="radio" name="achievement"') == 6

    form_page = client.get(reverse("evaluation:recommendation_create")).content.decode()
    assert (
        'data-testid="achievement-picker"' in form_page
        and '<select name="achievement"' not in form_page
    )
    assert f'hx-get="{url}"' in form_page
    # An achievement on no page shown is still accepted; another purpose's statuses are not.
    assert client.get(reverse("evaluation:achievement_picker", args=["nothing"])).status_code == 404


def test_the_picker_is_for_those_who_may_act(client, users_by_role):
    url = reverse("evaluation:achievement_picker", args=["valuation"])
    for role, user in users_by_role.items():
        client.force_login(user)
        expected = 200 if role in (Role.CENTER_STAFF, Role.ADMIN) else 403
        assert client.get(url).status_code == expected, role
