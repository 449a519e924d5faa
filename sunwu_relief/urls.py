from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from audits import views as audit_views

from . import views
from .roles import Role
from .ui import roles_required

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The docs need a log-in (the browser is sent to the log-in page) and a role; the split view serves its
    # set-up script as a separate request, which the Content-Security-Policy allows.
    path(
        "docs/", roles_required(*Role.values)(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"
    ),
    path("", include("households.api_urls")),
    path("", include("benefits.api_urls")),
    path("", include("audits.api_urls")),
    re_path(r"^[\s\S]*$", views.api_not_found),  # unmatched API paths answer in JSON, not the HTML page
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", include("sunwu_relief.two_factor.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("households/", include("households.urls")),
    path("assessments/", include("assessments.urls")),
    path("", include("benefits.urls")),
    path("audits/", include("audits.urls")),
    path("statistics/", include("benefits.statistics.urls")),
    path("public/", include("audits.public.urls")),
    path("performance/", include("audits.performance.urls")),
    path("", audit_views.dashboard, name="dashboard"),
]

# Refusals are answered by Django's own pages after an audit trace (sunwu_relief.refusals).
handler403 = "sunwu_relief.views.permission_denied"
handler404 = "sunwu_relief.views.page_not_found"
