from django.urls import path

from . import views

app_name = "households"

urlpatterns = [
    path("", views.household_list_view, name="list"),
    path("new/", views.household_create_view, name="create"),
    path("<int:pk>/", views.household_detail_view, name="detail"),
    path("<int:pk>/edit/", views.household_edit_view, name="edit"),
    path("<int:pk>/members/new/", views.member_add_view, name="member-add"),
    path("members/<int:pk>/edit/", views.member_edit_view, name="member-edit"),
    path("members/<int:pk>/move/", views.member_move_view, name="member-move"),
    path("members/<int:pk>/remove/", views.member_remove_view, name="member-remove"),
]
