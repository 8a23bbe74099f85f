import json

from django.conf import settings

from evaluation.choices import Criterion, ThreeHave


def test_criteria_and_three_haves_match_policy_json():
    policy = json.loads((settings.REFERENCE_DIR / "policy.json").read_text(encoding="utf-8"))
    evaluation = policy["evaluation"]
    assert [(c.value, c.label) for c in Criterion] == [
        (c["code"], c["name"]) for c in evaluation["criteria"]
    ]
    assert [(h.value, h.label) for h in ThreeHave] == [
        (h["code"], h["name"]) for h in evaluation["three_haves"]
    ]
