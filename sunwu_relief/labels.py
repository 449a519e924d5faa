"""Human labels for what the admin and the audit trail would otherwise show raw: audit action
codes, model labels, stored policy snapshots and history values."""

from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    "login": _("Logged in"),
    "refused": _("Refused (not allowed, not found or a refused step)"),
    "logout": _("Logged out"),
    "login.unlock": _("Log-in unlocked"),
    "staff.create": _("Staff account created"),
    "staff.assign": _("Role assigned"),
    "staff.rename": _("Real name changed"),
    "api_token.issue": _("API token issued"),
    "api_token.revoke": _("API tokens revoked"),
    "otp.enrol": _("Authenticator app enrolled (two-factor log-in)"),
    "otp.verify": _("Two-factor code entered"),
    "otp.reset": _("Two-factor devices reset"),
    "backup.create": _("Database backup made"),
    "job.files_purge": _("Uploaded files deleted after the retention period"),
    "api.assistance_status": _("Assistance status queried (API)"),
    "household.create": _("Household created"),
    "household.update": _("Household changed"),
    "household.view": _("Household viewed"),
    "household.classify": _("Household classified"),
    "member.add": _("Member added"),
    "member.update": _("Member changed"),
    "member.move": _("Member moved"),
    "member.remove": _("Member removed"),
    "member.labour_capacity": _("Labour capacity changed"),
    "labour_assessment.record": _("Labour-capacity assessment recorded"),
    "assessment.start": _("Economic-status investigation started"),
    "assessment.income_add": _("Income declared"),
    "assessment.asset_add": _("Asset declared"),
    "assessment.declaration_remove": _("Declaration removed"),
    "assessment.authorisation": _("Authorisation recorded"),
    "assessment.cross_check": _("Cross-check run"),
    "assessment.cross_check_township": _("Township cross-check started"),
    "assessment.finish": _("Economic-status investigation finished"),
    "assessments.policy_limits_save": _("Asset limits saved"),
    "department_data.import": _("Departmental data imported"),
    "visit.create": _("Household visit recorded"),
    "visit.update": _("Household visit changed"),
    "visit.attach": _("File attached to a visit"),
    "visit.confirm": _("Visit confirmed by an investigator"),
    "visit.sign": _("Household visit signed"),
    "visit.correct": _("Correction of a visit started"),
    "application.create": _("Application created"),
    "application.submit": _("Application accepted (受理)"),
    "application.resubmit": _("Application resubmitted"),
    "application.withdraw": _("Application withdrawn"),
    "application.start_investigation": _("Investigation started"),
    "application.finish_investigation": _("Investigation finished"),
    "application.finish_evaluation": _("Democratic evaluation finished"),
    "application.township_approve": _("Approved by the township, notice published"),
    "application.township_return": _("Returned by the township"),
    "application.notice_complete": _("Notice period over, sent to the county"),
    "application.objection_upheld": _("Objection upheld, investigated again"),
    "application.county_approve": _("Approved by the county"),
    "application.county_reject": _("Refused by the county"),
    "application.county_return": _("Returned by the county"),
    "application.spot_check": _("Drawn for the spot check"),
    "evaluation.record": _("Democratic evaluation recorded"),
    "objection.record": _("Objection recorded"),
    "objection.resolve": _("Objection resolved"),
    "county_visit.record": _("County home visit recorded"),
    "spot_check.draw": _("Spot-check sample drawn"),
    "benefit.create": _("Benefit granted"),
    "medical.claim_record": _("Medical assistance claim recorded"),
    "medical.claims_import": _("Medical insurance claims file imported"),
    "api.medical_coverage": _("Medical coverage periods queried (API)"),
    "temporary.create": _("Temporary assistance recorded"),
    "temporary.grant": _("Temporary assistance granted"),
    "temporary.to_county": _("Temporary assistance sent to the county"),
    "temporary.reject": _("Temporary assistance refused"),
    "temporary.supplement": _("Remaining steps of an emergency grant completed"),
    "intake.register": _("Request registered at the one door (一门受理)"),
    "intake.link_member": _("Request linked to a member of the registry"),
    "intake.to_application": _("Request became an application"),
    "intake.refer": _("Request referred to another department"),
    "intake.answer": _("Department's answer to a referral recorded"),
    "intake.close": _("Request closed with a reason"),
    "department.save": _("Referral department saved"),
    "carehome.save": _("Care home saved"),
    "placement.start": _("特困 person placed"),
    "placement.move": _("特困 person moved"),
    "placement.end": _("Placement ended"),
    "selfcare.assess": _("Self-care ability assessed"),
    "living_level.save": _("Rural living level recorded (特困 standard review)"),
    "benefit.migrate": _("Benefit taken over from a legacy roll"),
    "benefit.raise": _("Benefit raised"),
    "benefit.lower": _("Benefit lowered"),
    "benefit.suspend": _("Benefit suspended"),
    "benefit.resume": _("Benefit resumed"),
    "benefit.phase_out": _("Benefit phasing out (渐退)"),
    "benefit.stop": _("Benefit stopped"),
    "benefit.recompute": _("Benefit recomputed for a new standard"),
    "standard.save": _("Standard saved"),
    "roll.export": _("Payment roll exported"),
    "ledger.import": _("Registered-poor ledger imported"),
    "ledger.import_submit": _("Ledger import submitted"),
    "reconciliation.run": _("Reconciliation run"),
    "finding.resolve": _("Finding resolved"),
}


def action_label(code: str) -> str:
    """The Chinese label of an audit action code; the code itself for one not listed yet."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def model_label(label_lower: str) -> str:
    """`benefits.application` → the model's verbose name; the label itself if unknown."""
    if not label_lower:
        return "—"
    try:
        return str(apps.get_model(label_lower)._meta.verbose_name)
    except (LookupError, ValueError):
        return label_lower


def field_value(model: type[models.Model], name: str, value: Any) -> str:
    """A stored value as a person reads it: a choice's label, 是/否, — for nothing."""
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001  (a name that is not a field: show the value as it is)
        field = None
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.is_relation and field.related_model is not None:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    return str(value)


def field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001
        return name


def snapshot_rows(model: type[models.Model], snapshot: dict) -> list[tuple[str, str]]:
    """A stored snapshot of a model's numbers (a standard used by a decision) as label/value rows."""
    rows = []
    for key, value in (snapshot or {}).items():
        if key == "standard_id":
            continue
        rows.append((field_label(model, key), field_value(model, key, value)))
    return rows
