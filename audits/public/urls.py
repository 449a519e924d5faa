from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.public_view, name="home"),
    path("complaint/", views.public_complaint_view, name="complaint"),
]
