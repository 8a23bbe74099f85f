"""A record's choice labels (`get_<field>_display`) are built once per field (kernel/wording.py)
and still answer in the reader's language."""

from django.utils import translation

from achievements.choices import AchievementStatus
from achievements.models import Achievement


def test_choice_labels_follow_the_active_language():
    record = Achievement(status=AchievementStatus.SUBMITTED)
    with translation.override("zh-hans"):
        assert record.get_status_display() == "发现库"
    with translation.override("en"):
        english = record.get_status_display()
    assert english != "发现库" and english.isascii()
    with translation.override("zh-hans"):
        assert record.get_status_display() == "发现库"


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Achievement(status="unknown").get_status_display() == "unknown"
