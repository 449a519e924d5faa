from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("households/<int:pk>/", views.household_view, name="household"),
    path("households/<int:pk>/start/", views.assessment_start_view, name="start"),
    path("<int:pk>/", views.assessment_view, name="detail"),
    path("<int:pk>/incomes/new/", views.income_add_view, name="income-add"),
    path("<int:pk>/assets/new/", views.asset_add_view, name="asset-add"),
    path("declarations/<str:kind>/<int:pk>/remove/", views.declaration_remove_view, name="declaration-remove"),
    path("<int:pk>/authorisation/", views.authorisation_view, name="authorisation"),
    path("<int:pk>/cross-check/", views.cross_check_view, name="cross-check"),
    path("<int:pk>/finish/", views.finish_view, name="finish"),
    path("<int:pk>/visits/new/", views.visit_new_view, name="visit-new"),
    path("visits/<int:pk>/", views.visit_view, name="visit"),
    path("visits/<int:pk>/sign/", views.visit_sign_view, name="visit-sign"),
    path("visits/<int:pk>/correct/", views.visit_correct_view, name="visit-correct"),
    path("visits/<int:pk>/attach/", views.visit_attach_view, name="visit-attach"),
    path("visits/<int:pk>/print/", views.visit_print_view, name="visit-print"),
    path("members/<int:pk>/labour/new/", views.labour_new_view, name="labour-new"),
    path("township/cross-check/", views.township_cross_check_view, name="township-cross-check"),
    path("jobs/<int:pk>/", views.job_view, name="job"),
    path("files/<str:kind>/<int:pk>/", views.file_view, name="file"),
]
