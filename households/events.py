"""The audit-trail actions of the households app (`sunwu_relief.audit.record_event(action=...)`).

The values are stored in the audit trail: never change one, add new members instead."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdEvent(models.TextChoices):
    HOUSEHOLD_CREATE = "household.create", _("Household created")
    HOUSEHOLD_UPDATE = "household.update", _("Household changed")
    HOUSEHOLD_CLASSIFY = "household.classify", _("Household classified")
    MEMBER_ADD = "member.add", _("Member added")
    MEMBER_UPDATE = "member.update", _("Member changed")
    MEMBER_MOVE = "member.move", _("Member moved to another household")
    MEMBER_REMOVE = "member.remove", _("Member removed from the household")
    COUNTY_SETTINGS_CHANGE = "county_settings.change", _("County settings changed")
    TOWNSHIP_CONTACT_CHANGE = "township.contact_change", _("Township contact details changed")
    VILLAGE_CONFIRM = "village.confirm", _("Village confirmed")
    VILLAGE_CREATE_FROM_LEDGER = "village.create_from_ledger", _("Village added from the ledger")
    LEDGER_IMPORT = "ledger.import", _("Ledger imported")
    LEDGER_IMPORT_DRY_RUN = "ledger.import_dry_run", _("Ledger checked (dry run)")
    LEDGER_IMPORT_SUBMIT = "ledger.import_submit", _("Ledger import submitted")
