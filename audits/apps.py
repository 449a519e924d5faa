from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits")

    def ready(self) -> None:
        # Dependencies run one way (audits → households): the ledger import calls us back.
        from households.ledger import register_after_import

        from .tasks import queue_reconciliation

        register_after_import(queue_reconciliation)

        # The county approves a case only after it went through a spot-check draw (S §三(三)).
        from benefits.hooks import register_approval_check

        from .services import draw_pending

        register_approval_check(draw_pending)
