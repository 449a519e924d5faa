from django.urls import path

from . import api

urlpatterns = [
    path("households/", api.HouseholdListApi.as_view(), name="household-list"),
    path("households/<int:pk>/", api.HouseholdDetailApi.as_view(), name="household-detail"),
    path("ledger-imports/", api.LedgerImportCreateApi.as_view(), name="ledger-import-list"),
    path("ledger-imports/<str:pk>/", api.LedgerImportDetailApi.as_view(), name="ledger-import-detail"),
]
