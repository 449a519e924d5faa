from django.urls import path

from . import api

urlpatterns = [
    path("households/", api.HouseholdListApi.as_view(), name="household-list"),
    path("households/<int:pk>/", api.HouseholdDetailApi.as_view(), name="household-detail"),
]

# Ledger imports (households/ledger_api.py).
from . import ledger_api  # noqa: E402

urlpatterns += [
    path("ledger-imports/", ledger_api.LedgerImportCreateApi.as_view(), name="ledger-import-list"),
    path("ledger-imports/<str:pk>/", ledger_api.LedgerImportDetailApi.as_view(), name="ledger-import-detail"),
]
