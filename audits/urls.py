from django.urls import path

from . import views
from .complaints.urls import urlpatterns as complaint_urls
from .integrity.urls import urlpatterns as integrity_urls

app_name = "audits"

urlpatterns: list = [
    path("findings/", views.finding_list_view, name="findings"),
    path("findings/<int:pk>/", views.finding_detail_view, name="finding"),
    *complaint_urls,
    *integrity_urls,
]
