from django.urls import path

from .payments.api import HouseholdPaymentsApi

urlpatterns: list = [
    path("households/<int:pk>/payments/", HouseholdPaymentsApi.as_view(), name="household-payments"),
]
