"""Build applications in any workflow state through the real services."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services as assessment_services
from benefits import services
from benefits.models import Application, ApplicationStatus
from sunwu_relief.authz import system
from sunwu_relief.roles import Role
from tests.conftest import make_user, member_data, new_id_number


def scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed scan", content_type="application/pdf")


@pytest.fixture
def bureau_reviewer2(db):
    return make_user("bureau2", Role.BUREAU_REVIEWER)


class CaseBuilder:
    """Walks one 低保 case of a 孙吴镇 household forward, step by step, as the real users."""

    def __init__(self, *, caseworker, caseworker2, reviewer, bureau, make_household) -> None:
        self.caseworker = caseworker
        self.caseworker2 = caseworker2
        self.reviewer = reviewer
        self.bureau = bureau
        self.make_household = make_household

    def household(self, *, wages: Decimal = Decimal("300")):
        household = self.make_household(
            self.caseworker,
            members=[member_data(name="王小明", relationship="son", id_number=new_id_number(born="20150301"))],
        )
        assessment = assessment_services.assessment_start(actor=self.caseworker, household=household)
        assessment_services.authorisation_record(
            actor=self.caseworker,
            assessment=assessment,
            signed_on=timezone.localdate(),
            signatory="王大山",
            scan=scan(),
        )
        head = household.members.get(relationship="head")
        if wages:
            assessment_services.income_add(
                actor=self.caseworker, assessment=assessment, member=head, kind="wages", monthly_amount=wages
            )
        return household

    def draft(self, **kwargs) -> Application:
        household = kwargs.pop("household", None) or self.household(**kwargs)
        return services.application_create(
            actor=self.caseworker, household=household, programme="dibao", reason="因病致贫"
        )

    def to(self, status: str, application: Application | None = None, **kwargs) -> Application:
        application = application or self.draft(**kwargs)
        order = [
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.INVESTIGATING,
            ApplicationStatus.EVALUATING,
            ApplicationStatus.TOWNSHIP_REVIEW,
            ApplicationStatus.PUBLIC_NOTICE,
            ApplicationStatus.COUNTY_REVIEW,
            ApplicationStatus.APPROVED,
        ]
        application.refresh_from_db()
        done = order.index(application.status) + 1 if application.status in order else 0
        for step in order[done : order.index(status) + 1]:
            self._step(application, step)
            application.refresh_from_db()
        application.refresh_from_db()
        return application

    def investigate(self, application: Application) -> None:
        assessment = application.assessment or assessment_services.assessment_start(
            actor=self.caseworker, household=application.household
        )
        visit = assessment_services.visit_create(
            actor=self.caseworker,
            assessment=assessment,
            data=assessment_services.VisitData(
                visit_date=timezone.localdate(),
                housing="砖房两间",
                household_confirmed=True,
                household_signatory="王大山",
            ),
            investigators=[self.caseworker, self.caseworker2],
        )
        # Each investigator confirms under their own log-in.
        assessment_services.visit_sign(actor=self.caseworker, visit=visit)
        assessment_services.visit_sign(actor=self.caseworker2, visit=visit)
        assessment_services.assessment_finish(actor=self.caseworker, assessment=assessment)

    def _step(self, application: Application, status: str) -> None:
        if status == ApplicationStatus.ACCEPTED:
            services.application_submit(actor=self.caseworker, application=application)
        elif status == ApplicationStatus.INVESTIGATING:
            services.application_start_investigation(actor=self.caseworker, application=application)
        elif status == ApplicationStatus.EVALUATING:
            self.investigate(application)
            services.application_finish_investigation(actor=self.caseworker, application=application)
        elif status == ApplicationStatus.TOWNSHIP_REVIEW:
            services.evaluation_record(
                actor=self.caseworker,
                application=application,
                held_on=timezone.localdate(),
                place="村委会",
                participants="村民代表",
                participant_count=9,
                votes_for=8,
                votes_against=1,
                outcome="agreed",
            )
            services.application_finish_evaluation(actor=self.caseworker, application=application)
        elif status == ApplicationStatus.PUBLIC_NOTICE:
            services.application_township_approve(actor=self.reviewer, application=application, opinion="同意")
        elif status == ApplicationStatus.COUNTY_REVIEW:
            after = timezone.localdate() + datetime.timedelta(days=8)
            services.application_notice_complete(
                actor=system("task:complete_public_notices"), application=application, on=after
            )
        elif status == ApplicationStatus.APPROVED:
            self.ready_for_approval(application)
            services.application_county_approve(actor=self.bureau, application=application)

    def ready_for_approval(self, application: Application) -> None:
        """The county's spot-check draw, and the home visit when the case is drawn."""
        from audits.services import spot_check_draw

        spot_check_draw(actor=self.bureau)
        application.refresh_from_db()
        if services.county_visit_required(application) and not application.county_visits.exists():
            services.county_visit_record(
                actor=self.bureau,
                application=application,
                visited_on=timezone.localdate(),
                visitors=[self.bureau],
                result="confirmed",
                findings="入户抽查，情况属实",
            )


@pytest.fixture
def cases(caseworker_sunwu, caseworker2_sunwu, reviewer_sunwu, bureau_reviewer, make_household) -> CaseBuilder:
    return CaseBuilder(
        caseworker=caseworker_sunwu,
        caseworker2=caseworker2_sunwu,
        reviewer=reviewer_sunwu,
        bureau=bureau_reviewer,
        make_household=make_household,
    )
