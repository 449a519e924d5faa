from django.urls import path

from . import views

app_name = "performance"

urlpatterns = [
    path("", views.performance_view, name="table"),
    path("<int:township_pk>/<slug:metric>/", views.performance_detail_view, name="detail"),
]
