"""The liaison's workflow through the pages: draft → submit → withdraw, corrections, send-backs."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from achievements.choices import AchievementStatus, FeedbackKind, FeedbackStatus
from achievements.models import Achievement, AchievementFeedback, AchievementTransition
from towns.models import Notification

from ..factories import division, industry, next_year
from .factories import AchievementFeedbackFactory, LibraryAchievementFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "title": "硫化物固态电解质规模化制备技术",
        "summary": "室温离子电导率 12 mS/cm，较氧化物体系提升一个数量级，已完成公斤级中试。",
        "kind": "project",
        "field": industry("S05").pk,
        "trl": "6",
        "ip_types": ["invention_patent"],
        "ip_count": "4",
        "ip_numbers": "ZL202310123456.7",
        "holder": "东莞理工学院",
        "team": "陈教授团队，12人",
        "contact_name": "陈教授",
        "contact_phone": "１３８ 0013 8000",
        "contact_email": "chen@example.cn",
        "expected_contribution": "0.5亿",
        "funding_need": "800",
        "cooperation_modes": ["transfer", "joint_development"],
        "source_channel": "key_lab",
        "landing_division": division("441900119").pk,
        "discovered_on": "2026-03-05",
        "notes": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def create_draft(client, **overrides) -> Achievement:
    response = client.post(reverse("achievements:achievement_create"), form_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Achievement.objects.latest("pk")


def test_liaison_registers_a_draft_with_every_field(liaison_client, liaison):
    achievement = create_draft(liaison_client)

    assert achievement.status == AchievementStatus.DRAFT
    assert achievement.discovering_unit == liaison.unit
    assert achievement.liaison == liaison
    assert achievement.created_by == liaison
    assert achievement.title_normalized == "硫化物固态电解质规模化制备技术"
    assert achievement.contact_phone == "13800138000"
    assert achievement.expected_contribution == Decimal("50000000.00")
    assert achievement.funding_need == Decimal("8000000.00")
    assert achievement.cooperation_modes == ["transfer", "joint_development"]
    assert achievement.ip_types == ["invention_patent"]
    assert achievement.trl_stage == "中试"
    assert achievement.landing_division.name == "长安镇"
    assert achievement.discovered_on == date(2026, 3, 5)
    transition = achievement.transitions.get()
    assert (transition.from_status, transition.to_status, transition.actor) == (
        "",
        AchievementStatus.DRAFT,
        liaison,
    )
    assert achievement.history.get().history_user == liaison


def test_bad_input_is_explained_beside_the_field_and_nothing_is_saved(liaison_client):
    response = liaison_client.post(
        reverse("achievements:achievement_create"),
        form_data(
            title="",
            contact_phone="12345",
            expected_contribution="很多",
            discovered_on=next_year(),
        ),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert Achievement.objects.count() == 0
    assert 'id="field-title"' in content
    assert "该字段是必填项。" in content
    assert "电话号码格式不正确" in content
    assert "金额“很多”无法识别" in content
    assert "发现日期不能晚于今天。" in content


def test_edit_keeps_every_change_in_history_shown_on_the_detail_page(liaison_client, liaison):
    achievement = create_draft(liaison_client)
    response = liaison_client.post(
        reverse("achievements:achievement_edit", args=[achievement.pk]),
        form_data(title="硫化物固态电解质公斤级制备技术", trl="7", expected_contribution="8000"),
    )
    assert response.status_code == 302
    achievement.refresh_from_db()
    assert achievement.title == "硫化物固态电解质公斤级制备技术"
    assert achievement.history.count() == 2

    content = liaison_client.get(
        reverse("achievements:achievement_detail", args=[achievement.pk])
    ).content
    content = content.decode()
    assert "修改历史" in content
    assert "硫化物固态电解质规模化制备技术</del>" in content
    assert "硫化物固态电解质公斤级制备技术</ins>" in content
    assert "TRL 6 · 中试</del>" in content and "TRL 7 · 中试</ins>" in content
    # Amounts are entered and shown in 万元 everywhere; the history's label says so.
    assert "预期综合经济贡献（万元）" in content
    assert ">5,000</del>" in content and ">8,000</ins>" in content


def test_saving_without_a_change_records_nothing(liaison_client):
    achievement = create_draft(liaison_client)
    liaison_client.post(
        reverse("achievements:achievement_edit", args=[achievement.pk]), form_data()
    )
    assert achievement.history.count() == 1


def test_submit_puts_the_record_in_the_discovery_library(liaison_client, liaison):
    achievement = create_draft(liaison_client, discovered_on="")
    response = liaison_client.post(
        reverse("achievements:achievement_submit", args=[achievement.pk])
    )
    assert response.status_code == 302
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.SUBMITTED
    assert achievement.submitted_at is not None
    assert achievement.discovered_on == timezone.localdate()
    last = achievement.transitions.last()
    assert (last.from_status, last.to_status, last.actor) == (
        AchievementStatus.DRAFT,
        AchievementStatus.SUBMITTED,
        liaison,
    )


def test_a_second_click_on_submit_changes_nothing(liaison_client):
    achievement = create_draft(liaison_client)
    url = reverse("achievements:achievement_submit", args=[achievement.pk])
    liaison_client.post(url)
    response = liaison_client.post(url, follow=True)
    assert response.status_code == 403
    assert achievement.transitions.count() == 2


def test_liaison_cannot_edit_after_submission(liaison_client):
    achievement = create_draft(liaison_client)
    liaison_client.post(reverse("achievements:achievement_submit", args=[achievement.pk]))

    assert (
        liaison_client.get(
            reverse("achievements:achievement_edit", args=[achievement.pk])
        ).status_code
        == 403
    )
    response = liaison_client.post(
        reverse("achievements:achievement_edit", args=[achievement.pk]), form_data(title="偷偷改名")
    )
    assert response.status_code == 403
    achievement.refresh_from_db()
    assert achievement.title == "硫化物固态电解质规模化制备技术"
    detail = liaison_client.get(reverse("achievements:achievement_detail", args=[achievement.pk]))
    assert "申请更正" in detail.content.decode()
    assert (
        reverse("achievements:achievement_edit", args=[achievement.pk])
        not in detail.content.decode()
    )


def test_staff_may_change_a_submitted_record(staff_client, center_staff):
    achievement = LibraryAchievementFactory(status=AchievementStatus.SUBMITTED)
    response = staff_client.post(
        reverse("achievements:achievement_edit", args=[achievement.pk]),
        form_data(title="更正后的名称", discovering_unit=achievement.discovering_unit_id),
    )
    assert response.status_code == 302
    achievement.refresh_from_db()
    assert achievement.title == "更正后的名称"
    assert achievement.status == AchievementStatus.SUBMITTED
    assert achievement.history.latest().history_user == center_staff


def test_withdraw_then_reopen_as_draft(liaison_client, liaison):
    achievement = create_draft(liaison_client)
    liaison_client.post(reverse("achievements:achievement_submit", args=[achievement.pk]))
    liaison_client.post(
        reverse("achievements:achievement_withdraw", args=[achievement.pk]),
        {"reason": "团队已签约外地企业"},
    )
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.WITHDRAWN
    assert achievement.transitions.last().reason == "团队已签约外地企业"

    liaison_client.post(reverse("achievements:achievement_reopen", args=[achievement.pk]))
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.DRAFT
    assert [t.to_status for t in achievement.transitions.all()] == [
        "draft",
        "submitted",
        "withdrawn",
        "draft",
    ]


def test_correction_request_needs_a_reason_and_reaches_staff(liaison_client, center_staff):
    achievement = LibraryAchievementFactory(status=AchievementStatus.SUBMITTED)
    url = reverse("achievements:achievement_correction_request", args=[achievement.pk])

    response = liaison_client.post(url, {"message": "", "fields": ["holder"]})
    assert response.status_code == 200
    assert "该字段是必填项。" in response.content.decode()
    assert AchievementFeedback.objects.count() == 0

    response = liaison_client.post(
        url, {"message": "持有单位应为东莞理工学院与合作企业共同持有。", "fields": ["holder"]}
    )
    assert response.status_code == 302
    request = AchievementFeedback.objects.get()
    assert (request.kind, request.status, request.fields) == (
        FeedbackKind.CORRECTION_REQUEST,
        FeedbackStatus.OPEN,
        ["holder"],
    )
    note = Notification.objects.get(recipient=center_staff)
    assert note.title == f"更正申请：{achievement.title}"
    assert note.url == reverse("achievements:achievement_detail", args=[achievement.pk])


def test_staff_declining_a_correction_must_say_why(staff_client, liaison):
    achievement = LibraryAchievementFactory(status=AchievementStatus.SUBMITTED, liaison=liaison)
    request = AchievementFeedbackFactory(
        achievement=achievement,
        kind=FeedbackKind.CORRECTION_REQUEST,
        message="请改名",
        author=liaison,
    )
    url = reverse("achievements:achievement_correction_resolve", args=[request.pk])
    response = staff_client.post(url, {"outcome": "declined", "note": ""}, follow=True)
    assert "不予更正时请说明理由。" in response.content.decode()
    request.refresh_from_db()
    assert request.status == FeedbackStatus.OPEN

    staff_client.post(url, {"outcome": "declined", "note": "名称与专利证书一致，无需修改。"})
    request.refresh_from_db()
    assert (request.status, request.outcome) == (FeedbackStatus.RESOLVED, "declined")
    assert Notification.objects.get(recipient=liaison).body == (
        "不予更正。名称与专利证书一致，无需修改。"
    )


def test_send_back_gives_structured_feedback_to_the_liaison(staff_client, center_staff, liaison):
    achievement = LibraryAchievementFactory(status=AchievementStatus.SUBMITTED, liaison=liaison)
    url = reverse("achievements:achievement_send_back", args=[achievement.pk])

    response = staff_client.post(url, {"message": "请补充"})
    assert "请至少选择一项退回原因。" in response.content.decode()

    staff_client.post(
        url,
        {
            "reasons": ["incomplete", "incorrect"],
            "fields": ["summary", "expected_contribution"],
            "message": "简介缺少与现有技术的对比，预期贡献请给出测算依据。",
        },
    )
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.RETURNED
    feedback = AchievementFeedback.objects.get(kind=FeedbackKind.SEND_BACK)
    assert feedback.reasons == ["incomplete", "incorrect"]
    assert feedback.author == center_staff
    assert Notification.objects.get(recipient=liaison).title == (
        f"成果被退回修改：{achievement.title}"
    )

    staff_client.logout()
    staff_client.force_login(liaison)
    detail = staff_client.get(
        reverse("achievements:achievement_detail", args=[achievement.pk])
    ).content.decode()
    assert "信息不完整" in detail and "数据有误或前后矛盾" in detail
    assert "请修改：成果简介、预期综合经济贡献（万元）" in detail
    edit = staff_client.get(
        reverse("achievements:achievement_edit", args=[achievement.pk])
    ).content.decode()
    assert edit.count("退回意见要求修改此项。") == 2


def test_submit_after_return_requires_a_change(client, center_staff, liaison):
    achievement = LibraryAchievementFactory(
        status=AchievementStatus.SUBMITTED, liaison=liaison, discovering_unit=liaison.unit
    )
    client.force_login(center_staff)
    client.post(
        reverse("achievements:achievement_send_back", args=[achievement.pk]),
        {"reasons": ["incomplete"], "message": "请补充团队情况。"},
    )
    client.force_login(liaison)
    submit = reverse("achievements:achievement_submit", args=[achievement.pk])

    response = client.post(submit, follow=True)
    assert "请先按退回意见修改成果信息，再重新提交。" in response.content.decode()
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.RETURNED

    client.post(
        reverse("achievements:achievement_edit", args=[achievement.pk]),
        form_data(title=achievement.title, team="陈教授领衔，博士 6 人、硕士 10 人。"),
    )
    assert AchievementFeedback.objects.get().status == FeedbackStatus.ADDRESSED
    client.post(submit)
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.SUBMITTED
    feedback = AchievementFeedback.objects.get()
    assert (feedback.status, feedback.resolved_by) == (FeedbackStatus.RESOLVED, liaison)


def test_send_back_closes_open_correction_requests(client, center_staff, liaison):
    achievement = LibraryAchievementFactory(status=AchievementStatus.SUBMITTED, liaison=liaison)
    client.force_login(liaison)
    client.post(
        reverse("achievements:achievement_correction_request", args=[achievement.pk]),
        {"message": "联系人已调岗。"},
    )
    client.force_login(center_staff)
    client.post(
        reverse("achievements:achievement_send_back", args=[achievement.pk]),
        {"reasons": ["contact"], "message": "请直接修改联系人。"},
    )
    request = AchievementFeedback.objects.get(kind=FeedbackKind.CORRECTION_REQUEST)
    assert (request.status, request.outcome) == (FeedbackStatus.RESOLVED, "returned")


def test_every_transition_shows_who_and_when_on_the_detail_page(liaison_client, liaison):
    achievement = create_draft(liaison_client)
    liaison_client.post(reverse("achievements:achievement_submit", args=[achievement.pk]))
    content = liaison_client.get(
        reverse("achievements:achievement_detail", args=[achievement.pk])
    ).content
    content = content.decode()
    assert "状态变更记录" in content
    assert content.count(liaison.display_name) >= 2
    assert AchievementTransition.objects.filter(achievement=achievement).count() == 2
    stamp = timezone.localtime(achievement.transitions.last().created_at).strftime("%Y-%m-%d %H:%M")
    assert stamp in content
