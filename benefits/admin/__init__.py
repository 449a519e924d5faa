"""Admin for county staff: standards (edited through the service), and the county decision on
applications through admin views that call the same services as every other channel.

Django imports `benefits.admin`; each module below registers its pages with the admin site:
- `standards`: the yearly standards and the holiday calendar
- `applications`: applications and the county decision
- `benefits`: benefits and the county's decisions on them
- `notices`: written notices
- the feature subpackages' own `admin` modules (payments, temporary assistance and medical claims)
"""

from ..payments import admin as payments_admin  # registers the payment pages
from ..temporary import admin as temporary_admin  # temporary assistance and medical claims
from . import applications, benefits, notices, standards
from .applications import ApplicationAdmin, DecisionForm, ObligorInline, TransitionInline
from .benefits import BenefitAdmin, BenefitChangeForm, BenefitChangeInline, StopWithdrawForm
from .common import CaseReaderMixin
from .notices import WrittenNoticeAdmin
from .standards import HolidayAdmin, StandardAdmin, StandardForm

__all__ = [
    "ApplicationAdmin",
    "BenefitAdmin",
    "BenefitChangeForm",
    "BenefitChangeInline",
    "CaseReaderMixin",
    "DecisionForm",
    "HolidayAdmin",
    "ObligorInline",
    "StandardAdmin",
    "StandardForm",
    "StopWithdrawForm",
    "TransitionInline",
    "WrittenNoticeAdmin",
    "applications",
    "benefits",
    "notices",
    "payments_admin",
    "standards",
    "temporary_admin",
]
