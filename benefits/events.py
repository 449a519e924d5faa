"""The audit actions the benefits app records (`sunwu_relief.audit.record_event(action=...)`).

The values are stored in the audit trail: never change one. A transition of the application
workflow records `application.<action>` (the actions of `benefits.workflow.ALLOWED`), a decision
on a benefit `benefit.<kind>` (the kinds of `BenefitChange.Kind` that a decision may take).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BenefitEvent(models.TextChoices):
    # The application and its workflow
    APPLICATION_CREATE = "application.create", _("Application created")
    APPLICATION_SUBMIT = "application.submit", _("Application accepted (受理)")
    APPLICATION_RESUBMIT = "application.resubmit", _("Application resubmitted")
    APPLICATION_START_INVESTIGATION = "application.start_investigation", _("Investigation started")
    APPLICATION_FINISH_INVESTIGATION = "application.finish_investigation", _("Investigation finished")
    APPLICATION_FINISH_EVALUATION = "application.finish_evaluation", _("Democratic evaluation finished")
    APPLICATION_TOWNSHIP_APPROVE = "application.township_approve", _("Approved by the township, notice published")
    APPLICATION_TOWNSHIP_RETURN = "application.township_return", _("Returned by the township")
    APPLICATION_NOTICE_COMPLETE = "application.notice_complete", _("Notice period over, sent to the county")
    APPLICATION_OBJECTION_UPHELD = "application.objection_upheld", _("Objection upheld, investigated again")
    APPLICATION_COUNTY_APPROVE = "application.county_approve", _("Approved by the county")
    APPLICATION_COUNTY_REJECT = "application.county_reject", _("Refused by the county")
    APPLICATION_COUNTY_RETURN = "application.county_return", _("Returned by the county")
    APPLICATION_WITHDRAW = "application.withdraw", _("Application withdrawn")
    APPLICATION_EXTEND_DEADLINE = "application.extend_deadline", _("Decision deadline extended")
    APPLICATION_SPOT_CHECK = "application.spot_check", _("Drawn for the spot check")
    EVALUATION_RECORD = "evaluation.record", _("Democratic evaluation recorded")
    OBLIGOR_ADD = "obligor.add", _("Obligor recorded")
    OBLIGOR_REMOVE = "obligor.remove", _("Obligor removed")
    OBJECTION_RECORD = "objection.record", _("Objection recorded")
    OBJECTION_RESOLVE = "objection.resolve", _("Objection resolved")
    COUNTY_VISIT_RECORD = "county_visit.record", _("County home visit recorded")
    COUNTY_VISIT_OVERRIDE = "county_visit.override", _("Visit discrepancy settled")
    WRITTEN_NOTICE_DELIVER = "written_notice.deliver", _("Written notice delivered")
    # The benefit and its decisions
    BENEFIT_CREATE = "benefit.create", _("Benefit granted")
    BENEFIT_MIGRATE = "benefit.migrate", _("Benefit taken over from a legacy roll")
    BENEFIT_RELEASE_MEMBER = "benefit.release_member", _("Member left the 低保 for 特困 support")
    BENEFIT_RAISE = "benefit.raise", _("Benefit raised")
    BENEFIT_LOWER = "benefit.lower", _("Benefit lowered")
    BENEFIT_SUSPEND = "benefit.suspend", _("Benefit suspended")
    BENEFIT_RESUME = "benefit.resume", _("Benefit resumed")
    BENEFIT_PHASE_OUT = "benefit.phase_out", _("Benefit phasing out (渐退)")
    BENEFIT_STOP = "benefit.stop", _("Benefit stopped")
    BENEFIT_RECOMPUTE = "benefit.recompute", _("Benefit recomputed for a new standard")
    STOP_NOTICE_OPEN = "stop_notice.open", _("特困 stop proposed (public notice)")
    STOP_NOTICE_CANCEL = "stop_notice.cancel", _("特困 stop withdrawn")
    STOP_NOTICE_COMPLETE = "stop_notice.complete", _("特困 stop decided after its notice")
    # Policy data and exports
    STANDARD_SAVE = "standard.save", _("Standard saved")
    HOLIDAY_CREATE = "holiday.create", _("Holiday calendar day added")
    HOLIDAY_CHANGE = "holiday.change", _("Holiday calendar day changed")
    HOLIDAY_DELETE = "holiday.delete", _("Holiday calendar day deleted")
    HOLIDAY_LOAD = "holiday.load", _("Official holidays loaded")
    ROLL_EXPORT = "roll.export", _("Payment roll exported")


def transition_event(action: str) -> BenefitEvent:
    """The event of one transition of the application workflow (`ALLOWED` action)."""
    return BenefitEvent(f"application.{action}")


def decision_event(kind: str) -> BenefitEvent:
    """The event of one decision on a benefit (a kind of `BENEFIT_CHANGES`)."""
    return BenefitEvent(f"benefit.{kind}")
