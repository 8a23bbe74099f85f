from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("成果评价")

    def ready(self):
        # The achievement's detail page shows its evaluation (batches, recommendation, reviews,
        # valuations); the panel itself decides what each role may read.
        from achievements.views.cards import MAIN, DetailCard, register_card

        register_card(DetailCard("evaluation", "evaluation/_achievement_panel.html", 400, MAIN))
