"""Taking over a legacy roll is a write: it lives in `benefits.services.roll_import`. This module
keeps the old import path working."""

from .services.roll_import import COLUMNS, RollImportResult, roll_import

__all__ = ["COLUMNS", "RollImportResult", "roll_import"]
