"""Economic-status verification 家庭经济状况核查: declarations, departmental data, cross-check,
household visits 入户调查, labour-capacity assessments and the frozen economic-status result.

One module per topic; every model and choice is importable from `assessments.models`."""

from .assessment import (
    MONEY,
    Assessment,
    AssetDeclaration,
    AssetKind,
    Authorisation,
    IncomeDeclaration,
    IncomeKind,
    PolicyLimits,
    Source,
)
from .department import DepartmentImport, DepartmentRecord, Discrepancy
from .visits import HouseholdVisit, LabourAssessment, VisitAttachment, VisitConfirmation

__all__ = [
    "MONEY",
    "Assessment",
    "AssetDeclaration",
    "AssetKind",
    "Authorisation",
    "DepartmentImport",
    "DepartmentRecord",
    "Discrepancy",
    "HouseholdVisit",
    "IncomeDeclaration",
    "IncomeKind",
    "LabourAssessment",
    "PolicyLimits",
    "Source",
    "VisitAttachment",
    "VisitConfirmation",
]
