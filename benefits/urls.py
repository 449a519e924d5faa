from django.urls import path

from . import views
from .carehomes import views as care_views
from .intake import views as intake_views
from .medical import views as medical_views
from .payments import views as payment_views
from .reviews import views as review_views
from .temporary import views as temporary_views

app_name = "benefits"

urlpatterns = [
    path("applications/", views.application_list_view, name="applications"),
    path("applications/<int:pk>/", views.application_detail_view, name="application"),
    path("applications/<int:pk>/papers/<slug:paper>/", views.application_paper_view, name="application-paper"),
    path("applications/<int:pk>/<slug:step>/", views.application_step_view, name="application-step"),
    path("households/<int:household_pk>/apply/", views.application_create_view, name="application-create"),
    path("notices/", views.notice_list_view, name="notices"),
    path("notices/standing/", views.standing_list_view, name="standing-list"),
    path("written-notices/", views.written_notice_list_view, name="written-notices"),
    path("written-notices/<int:pk>/", views.written_notice_view, name="written-notice"),
    path(
        "written-notices/villages/<int:village_pk>/print/",
        views.written_notice_batch_view,
        name="written-notices-village-print",
    ),
    path("written-notices/<int:pk>/receipt/", views.written_notice_receipt_view, name="written-notice-receipt"),
    path("written-notices/<int:pk>/deliver/", views.written_notice_deliver_view, name="written-notice-deliver"),
    path("benefits/<int:benefit_pk>/payee/", payment_views.payee_edit_view, name="payee"),
    path("payments/failed/", payment_views.failed_payments_view, name="failed-payments"),
    path("payments/one-off/<int:pk>/payee/", payment_views.one_off_payee_view, name="one-off-payee"),
    path("medical/", medical_views.claim_list_view, name="medical-claims"),
    path("medical/new/", medical_views.claim_create_view, name="medical-claim-create"),
    path("temporary/", temporary_views.temporary_list_view, name="temporary-list"),
    path("temporary/new/", temporary_views.temporary_create_view, name="temporary-create"),
    path("temporary/<int:pk>/", temporary_views.temporary_detail_view, name="temporary"),
    path("temporary/<int:pk>/<slug:step>/", temporary_views.temporary_step_view, name="temporary-step"),
    path("intake/", intake_views.intake_list_view, name="intake-list"),
    path("intake/new/", intake_views.intake_create_view, name="intake-create"),
    path("intake/<int:pk>/", intake_views.intake_detail_view, name="intake"),
    path("intake/<int:pk>/receipt/", intake_views.intake_receipt_view, name="intake-receipt"),
    path("intake/<int:pk>/<slug:step>/", intake_views.intake_step_view, name="intake-step"),
    path("care/", care_views.care_list_view, name="care-list"),
    path("care/persons/<int:pk>/", care_views.care_person_view, name="care-person"),
    path("care/persons/<int:pk>/<slug:step>/", care_views.care_step_view, name="care-step"),
    path("reviews/", review_views.review_list_view, name="review-list"),
    path("reviews/open/", review_views.review_open_view, name="review-open"),
    path("reviews/batch-approve/", review_views.review_batch_approve_view, name="review-batch-approve"),
    path("reviews/<int:pk>/", review_views.review_detail_view, name="review"),
    path("reviews/<int:pk>/<slug:step>/", review_views.review_step_view, name="review-step"),
    path("campaigns/", review_views.campaign_list_view, name="campaign-list"),
    path("campaigns/<int:pk>/", review_views.campaign_detail_view, name="campaign"),
    path("campaigns/<int:pk>/report/", review_views.campaign_report_view, name="campaign-report"),
    path("campaigns/<int:pk>/<slug:step>/", review_views.campaign_step_view, name="campaign-step"),
]
