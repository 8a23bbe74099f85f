"""Object permissions of the evaluation app (reading goes through each model's `visible_to`)."""

import rules

from towns.rules import is_back_office, is_evaluator, reads_everything


@rules.predicate
def is_batch_evaluator(user, batch) -> bool:
    if batch is None or not user.is_authenticated:
        return False
    return batch.evaluators.filter(pk=user.pk).exists()


# Staff run batches, record recommendations, open fast-track reviews and commission valuations.
rules.add_perm("evaluation.manage_batch", is_back_office)
rules.add_perm("evaluation.recommend", is_back_office)
rules.add_perm("evaluation.manage_review", is_back_office)
rules.add_perm("evaluation.manage_valuation", is_back_office)
# Evaluators score only the batches they belong to.
rules.add_perm("evaluation.score_batch", is_evaluator & is_batch_evaluator)
# Scores and evaluator comments: staff, leaders and the batch's evaluators.
rules.add_perm("evaluation.view_scores", reads_everything | (is_evaluator & is_batch_evaluator))
