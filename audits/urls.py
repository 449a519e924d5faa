from django.urls import path

from . import finding_views

app_name = "audits"

urlpatterns: list = [
    path("findings/", finding_views.finding_list_view, name="findings"),
    path("findings/<int:pk>/", finding_views.finding_detail_view, name="finding"),
]
