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

        # The close-relatives register (docs/integrity.md): a match files the case 备案, and the
        # member of staff who is the relative may not work it.
        from benefits.hooks import register_case_actor_check, register_filing_check

        from .integrity.matching import case_actor_problems, filing_reasons_for

        register_filing_check(filing_reasons_for)
        register_case_actor_check(case_actor_problems)

        # An open complaint 举报 about the household: the county visits before approving.
        from .complaints.selectors import approval_problems as complaint_approval_problems

        register_approval_check(complaint_approval_problems)

        # Dynamic management (docs/integrity.md): complaints and out-of-poverty declarations open
        # re-verifications; a decided review or application closes what waited for it.
        from benefits.hooks import register_complained_households, register_review_source
        from benefits.reviews.services import review_decided
        from benefits.services import application_finished

        from .dynamic import complained_households, on_application_finished, on_review_decided, review_sources_of_audits

        register_review_source(review_sources_of_audits)
        register_complained_households(complained_households)
        review_decided.connect(on_review_decided, dispatch_uid="audits.review_decided")
        application_finished.connect(on_application_finished, dispatch_uid="audits.application_finished")
