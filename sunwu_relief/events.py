"""What the audit trail can say about the base app (log-ins, staff accounts, API tokens, job
files, refusals): every `record_event(action=…)` of this app is a member here. The values are
stored in `AuditEvent.action`: never change one, add new ones."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseEvent(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    REFUSED = "refused", _("Refused (not allowed, not found or a refused step)")
    LOGIN_UNLOCK = "login.unlock", _("Log-in unlocked")
    STAFF_CREATE = "staff.create", _("Staff account created")
    STAFF_ASSIGN = "staff.assign", _("Role assigned")
    STAFF_RENAME = "staff.rename", _("Real name changed")
    API_TOKEN_ISSUE = "api_token.issue", _("API token issued")
    API_TOKEN_REVOKE = "api_token.revoke", _("API tokens revoked")
    OTP_ENROL = "otp.enrol", _("Authenticator app enrolled (two-factor log-in)")
    OTP_VERIFY = "otp.verify", _("Two-factor code entered")
    OTP_RESET = "otp.reset", _("Two-factor devices reset")
    BACKUP_CREATE = "backup.create", _("Database backup made")
    JOB_FILES_PURGE = "job.files_purge", _("Uploaded files deleted after the retention period")
