from django.urls import path

from . import views

app_name = "statistics"

urlpatterns = [
    path("", views.statistics_view, name="monthly"),
    path("download/", views.statistics_download_view, name="download"),
]
