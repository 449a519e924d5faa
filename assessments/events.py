"""The audit-trail actions of the assessments app (`sunwu_relief.audit.record_event(action=...)`).

The values are stored in the audit trail: never change one, add new members instead."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentEvent(models.TextChoices):
    ASSESSMENT_START = "assessment.start", _("Assessment started")
    ASSESSMENT_FINISH = "assessment.finish", _("Assessment finished")
    INCOME_ADD = "assessment.income_add", _("Income declared")
    ASSET_ADD = "assessment.asset_add", _("Asset declared")
    DECLARATION_REMOVE = "assessment.declaration_remove", _("Declaration removed")
    AUTHORISATION = "assessment.authorisation", _("Authorisation recorded")
    CROSS_CHECK = "assessment.cross_check", _("Cross-checked with the departments' records")
    CROSS_CHECK_TOWNSHIP = "assessment.cross_check_township", _("Township cross-check started")
    VISIT_CREATE = "visit.create", _("Household visit recorded")
    VISIT_UPDATE = "visit.update", _("Household visit changed")
    VISIT_ATTACH = "visit.attach", _("File attached to a household visit")
    VISIT_CONFIRM = "visit.confirm", _("Household visit confirmed by an investigator")
    VISIT_SIGN = "visit.sign", _("Household visit signed")
    VISIT_CORRECT = "visit.correct", _("Household visit corrected")
    LABOUR_ASSESSMENT_RECORD = "labour_assessment.record", _("Labour-capacity assessment recorded")
    MEMBER_LABOUR_CAPACITY = "member.labour_capacity", _("Member's labour capacity changed")
    POLICY_LIMITS_SAVE = "assessments.policy_limits_save", _("Policy limits saved")
    DEPARTMENT_DATA_IMPORT = "department_data.import", _("Departmental data imported")
    DEPARTMENT_DATA_IMPORT_SUBMIT = "department_data.import_submit", _("Departmental data import submitted")
