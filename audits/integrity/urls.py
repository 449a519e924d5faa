from django.urls import path

from . import views

urlpatterns = [
    path("integrity/", views.integrity_list_view, name="integrity-findings"),
    path("integrity/<int:pk>/", views.integrity_detail_view, name="integrity-finding"),
]
