from django.urls import path

from . import views

urlpatterns = [
    path("complaints/", views.complaint_list_view, name="complaints"),
    path("complaints/new/", views.complaint_create_view, name="complaint-create"),
    path("complaints/<int:pk>/", views.complaint_detail_view, name="complaint"),
]
