"""Browser pages of the audits app, one module per topic; urls name the views re-exported here."""

from .dashboard import dashboard
from .findings import finding_detail_view, finding_list_view

__all__ = ["dashboard", "finding_detail_view", "finding_list_view"]
