from django.urls import path

from .medical.api import MedicalCoverageApi
from .payments.api import HouseholdPaymentsApi
from .statistics.api import MonthlyStatisticsApi

urlpatterns: list = [
    path("households/<int:pk>/payments/", HouseholdPaymentsApi.as_view(), name="household-payments"),
    path("medical-coverage/", MedicalCoverageApi.as_view(), name="medical-coverage"),
    path("statistics/monthly/", MonthlyStatisticsApi.as_view(), name="statistics-monthly"),
]
