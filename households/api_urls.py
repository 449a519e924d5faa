from django.urls import path

from . import api

urlpatterns = [
    path("households/", api.HouseholdListApi.as_view(), name="household-list"),
    path("households/<int:pk>/", api.HouseholdDetailApi.as_view(), name="household-detail"),
]
