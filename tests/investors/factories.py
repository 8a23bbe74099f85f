"""Achievements awaiting landing with an evaluation behind them, built through the services."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from evaluation import services as evaluation
from evaluation.choices import ThreeHave

from ..achievements.factories import PDF
from ..achievements.service.factories import service_case
from ..evaluation.factories import evaluator_user, give_score, item_of, make_batch, submitted

SECRET_COMMENT = "仅供评审：团队负责人曾有专利纠纷"


def evaluated_case(staff, *, scores=(80, 90), haves=tuple(ThreeHave.values), **fields):
    """An achievement selected into the service library by a batch scored by len(scores)
    evaluators (each scoring every sub-item with its number)."""
    achievement = submitted(**fields)
    evaluators = [
        evaluator_user(f"eval_{achievement.pk}_{n}", name=f"专家{achievement.pk}{n}")
        for n in range(len(scores))
    ]
    batch = make_batch(
        staff=staff, evaluators=evaluators, achievements=[achievement], name=f"批次{achievement.pk}"
    )
    item = item_of(batch, achievement)
    for evaluator, value in zip(evaluators, scores, strict=True):
        give_score(item, evaluator, value, haves=list(haves), comment=SECRET_COMMENT)
    with TestCase.captureOnCommitCallbacks(execute=True):
        evaluation.batch_request_selection(batch=batch, acting_user=staff)
    evaluation.batch_confirm(batch=batch, acting_user=staff, decisions={item.pk: (True, "")})
    achievement.refresh_from_db()
    return achievement


def valued(achievement, staff, value: Decimal):
    valuation = evaluation.valuation_request(
        achievement=achievement,
        agency="广东省科技评估中心",
        requested_on=date(2025, 5, 1),
        acting_user=staff,
    )
    return evaluation.valuation_complete(
        valuation=valuation,
        acting_user=staff,
        report=SimpleUploadedFile("报告.pdf", PDF, content_type="application/pdf"),
        value=value,
        valued_on=date(2025, 6, 1),
    )


__all__ = ["evaluated_case", "service_case", "valued", "SECRET_COMMENT"]
