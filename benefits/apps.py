from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "benefits"
    verbose_name = _("Benefits")

    def ready(self) -> None:
        # Dependencies run one way (benefits → households): classification asks us for the
        # thresholds of no labour capacity, which are the standard's data.
        from households.classification import register_thresholds_provider

        from .eligibility import classification_thresholds

        register_thresholds_provider(classification_thresholds)

        # What a running benefit is, and who is a 特困 supported person, is ours to say.
        from households.hooks import register_benefit_facts

        from .household_facts import households_with_running_benefit, supported_member_ids
        from .states import household_benefit_states

        register_benefit_facts(
            supported_member_ids=supported_member_ids,
            households_with_running_benefit=households_with_running_benefit,
            benefit_states_of=household_benefit_states,
        )

        # The verification form prints per-capita income against the 低保 standard.
        from assessments.selectors import register_standard_provider

        from .selectors import dibao_monthly_standard

        register_standard_provider(dibao_monthly_standard)

        # The 特困 standard is reviewed against the rural living level the bureau records.
        from .carehomes.standard_review import standard_check
        from .hooks import register_standard_check

        register_standard_check(standard_check)

        # The admin pages of the one door and of 特困 support by place (registered with the site).
        # A death, removal or move in the registry forces a re-verification (dynamic management).
        from households.services.registry import member_moved, member_removed

        from .carehomes import admin as _care_admin  # noqa: F401
        from .intake import admin as _intake_admin  # noqa: F401
        from .reviews import admin as _review_admin  # noqa: F401
        from .reviews.receivers import on_member_moved, on_member_removed

        member_removed.connect(on_member_removed, dispatch_uid="benefits.review_on_member_removed")
        member_moved.connect(on_member_moved, dispatch_uid="benefits.review_on_member_moved")
