"""Pages of medical assistance for township staff: the claims and a new claim."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.selectors import members_for
from sunwu_relief.errors import DomainError
from sunwu_relief.exports import Column, ListExport, wants_xlsx
from sunwu_relief.roles import Role, role_of
from sunwu_relief.ui import add_domain_error, roles_required

from .forms import ClaimForm
from .selectors import claims_for
from .services import ClaimData, medical_claim_record

READERS = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)

# The list's columns as the page shows them.
CLAIMS_EXPORT = ListExport(
    name="medical_claims",
    title=gettext_lazy("Medical assistance"),
    columns=(
        Column(gettext_lazy("admission or visit date"), lambda c: c.treated_on),
        Column(gettext_lazy("patient"), lambda c: c.member.name),
        Column(gettext_lazy("hospital"), lambda c: c.hospital),
        Column(gettext_lazy("kind"), lambda c: c.get_kind_display()),
        Column(gettext_lazy("policy-scope self-pay"), lambda c: c.self_pay),
        Column(gettext_lazy("medical aid"), lambda c: c.aid),
        Column(gettext_lazy("explanation"), lambda c: c.explanation),
    ),
)


@roles_required(*READERS)
def claim_list_view(request: HttpRequest) -> HttpResponse:
    claims = claims_for(request.user).order_by("-treated_on", "-id")
    if wants_xlsx(request):
        # Who was treated where leaves the system in a file: the access log names every claim.
        return CLAIMS_EXPORT.response(request, claims, health_data=True)
    page = Paginator(claims, 25).get_page(request.GET.get("page"))
    can_record = role_of(request.user) in (Role.CASEWORKER, Role.BUREAU_REVIEWER)
    return render(request, "benefits/medical_claim_list.html", {"page": page, "can_record": can_record})


@roles_required(Role.CASEWORKER, Role.BUREAU_REVIEWER)
def claim_create_view(request: HttpRequest) -> HttpResponse:
    members = members_for(request.user).filter(removed_on__isnull=True).select_related("household")
    form = ClaimForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = data.pop("member")
        try:
            claim = medical_claim_record(actor=request.user, member=member, data=ClaimData(**data))
        except DomainError as exc:
            add_domain_error(form, exc, request=request)
        else:
            messages.success(request, _("Claim recorded: %(aid)s yuan.") % {"aid": claim.aid})
            return redirect("benefits:medical-claims")
    return render(request, "benefits/medical_claim_form.html", {"form": form})
