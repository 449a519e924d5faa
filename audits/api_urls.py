from django.urls import path

from . import api

urlpatterns = [
    path("assistance-status/", api.AssistanceStatusBulkApi.as_view(), name="assistance-status-bulk"),
    path("assistance-status/<str:id_number>/", api.AssistanceStatusApi.as_view(), name="assistance-status"),
    path("reconciliation/findings/", api.FindingListApi.as_view(), name="finding-list"),
]
