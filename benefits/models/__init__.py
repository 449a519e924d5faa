"""The benefits app's models, one module per topic; import them from here (`benefits.models`).

- `standards`: programmes and their yearly policy numbers
- `holidays`: public holidays and make-up working days
- `applications`: applications, their statuses and reasons, obligors, transitions
- `procedure`: democratic evaluation, public notice, objections, county visits
- `benefits`: benefits, their decisions, the 特困 stop notices
- `notices`: written notices (书面通知) and their delivery
- `payments`: banks, payees, monthly payment batches, their items and the bank's result files

A feature subpackage (`benefits/medical/`, `benefits/temporary/`, …) keeps its models in its own
`models.py` (app label `benefits`, so they belong to this app and its migrations) and registers
them by one import line in this file (`from ..medical.models import MedicalClaim`): Django
loads `benefits.models`, and only what this module imports is registered. Re-export the names other
code uses and list them in `__all__`. A subpackage's models may import from `benefits.models.<topic>`
(not from `benefits.models` itself, which is still being imported when they load).
"""

from ..carehomes.models import CareHome, LivingLevel, Placement, SelfCareAssessment
from ..intake.models import Department, IntakeRequest, Referral
from ..medical.models import MedicalClaim
from ..reviews.models import Campaign, CampaignChecker, Review
from ..temporary.models import TemporaryCase, TemporaryPayment
from .applications import IN_PROCEDURE, Application, ApplicationStatus, Obligor, ReasonCode, Transition
from .benefits import (
    COVERED_STATUSES,
    RUNNING_STATUSES,
    Benefit,
    BenefitChange,
    BenefitStatus,
    ManualReason,
    StopNotice,
)
from .holidays import Holiday
from .notices import DeliveryMethod, WrittenNotice
from .payments import (
    FROZEN_BATCH_STATUSES,
    Bank,
    BankResultImport,
    BatchStatus,
    ItemKind,
    ItemResult,
    Payee,
    PaymentBatch,
    PaymentItem,
)
from .procedure import CountyVisit, DemocraticEvaluation, Objection, PublicNotice, upload_to_case
from .standards import Programme, Standard

__all__ = [
    "Campaign",
    "CampaignChecker",
    "CareHome",
    "Department",
    "IntakeRequest",
    "LivingLevel",
    "Placement",
    "Referral",
    "SelfCareAssessment",
    "COVERED_STATUSES",
    "RUNNING_STATUSES",
    "FROZEN_BATCH_STATUSES",
    "IN_PROCEDURE",
    "Application",
    "ApplicationStatus",
    "Bank",
    "BankResultImport",
    "BatchStatus",
    "Benefit",
    "BenefitChange",
    "BenefitStatus",
    "CountyVisit",
    "DeliveryMethod",
    "DemocraticEvaluation",
    "Holiday",
    "ItemKind",
    "ItemResult",
    "ManualReason",
    "MedicalClaim",
    "Objection",
    "Obligor",
    "Payee",
    "PaymentBatch",
    "PaymentItem",
    "Programme",
    "PublicNotice",
    "ReasonCode",
    "Review",
    "Standard",
    "StopNotice",
    "TemporaryCase",
    "TemporaryPayment",
    "Transition",
    "WrittenNotice",
    "upload_to_case",
]
