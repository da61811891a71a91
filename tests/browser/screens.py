"""Every screen of AidFlow, with the data each one needs, for the browser checks that visit them all:
accessibility (axe-core) and phones (390 px). One case stands at each stage so that the case page
shows the open task form of every stage."""

from dataclasses import dataclass

from aidflow.cases.models import Application, Notification
from aidflow.notices.models import Notice
from aidflow.notices.tasks import render_pending_notices
from aidflow.payments.models import PaymentBatch
from aidflow.settlements.models import Settlement, SettlementClaim
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ApplicationFactory, FilingFactory, advance, person, today
from tests.payments.conftest import approved
from tests.settlements.conftest import ZHANG
from tests.workflows.helpers import client_for, post_confirmed


@dataclass(frozen=True)
class Screen:
    name: str
    user: str | None  # who is signed in; None: nobody (public pages)
    path: str


def _filed(clerk, order: str) -> Application:
    return ApplicationFactory(user=clerk, data=FilingFactory(person=person(order)))


def every_screen(*, clerk, month_set, window, finance) -> list[Screen]:
    """The screens in the order they are visited, grouped by who is signed in. The test also asks for
    the personas reviewer, approver and auditor, who sign in by name."""
    month = today().strftime("%Y-%m")
    village_check = _filed(clerk, "401")
    township_review = advance(_filed(clerk, "402"), to="township_review")
    county_approval = advance(_filed(clerk, "403"), to="county_approval")
    supplement = advance(_filed(clerk, "404"), to="supplement", return_at="township_review")
    notice_delivery = month_set["approved"]
    refused = Application.objects.get(status="rejected")
    render_pending_notices(older_than_seconds=0)
    notice = Notice.objects.filter(application=notice_delivery).latest("pk")
    Notification.objects.create(
        recipient=clerk, application=village_check, kind="due_soon", text=f"{village_check.number} 村级核查即将到期"
    )
    # Payments: one approved case with a payee, gathered into a batch by the county's finance officer.
    approved(clerk, order="405")
    post_confirmed(client_for(finance), "/workbench/payments/", {})
    batch = PaymentBatch.objects.latest("pk")
    # The hospital's monthly claim of its settlements, waiting for the county's review.
    claim = client_for(window).post("/api/v1/settlement-claims/", {"month": month}, content_type="application/json")
    assert claim.status_code == 201, claim.content
    claim = SettlementClaim.objects.get()
    settlement = Settlement.objects.exclude(status="reversed").earliest("pk")
    case = "/workbench/applications/{}/".format
    return [
        Screen("login", None, "/accounts/login/"),
        Screen("verify", None, f"/verify/{notice.verification_code}"),
        Screen("disclosure", None, f"/public/disclosure/371403/{month}/"),
        Screen("status", None, f"/status/?number={notice_delivery.number}&code={notice_delivery.status_code}"),
        Screen("clerk-home", "clerk", "/workbench/"),
        Screen("clerk-inbox", "clerk", "/workbench/inbox/"),
        Screen("applications", "clerk", "/workbench/applications/"),
        Screen("filing", "clerk", "/workbench/applications/new/"),
        Screen("village-check", "clerk", case(village_check.pk)),
        Screen("supplement", "clerk", case(supplement.pk)),
        Screen("refused", "clerk", case(refused.pk)),
        Screen("notifications", "clerk", "/workbench/notifications/"),
        Screen("reviewer-home", "reviewer", "/workbench/"),
        Screen("reviewer-inbox", "reviewer", "/workbench/inbox/"),
        Screen("township-review", "reviewer", case(township_review.pk)),
        Screen("notice-delivery", "reviewer", case(notice_delivery.pk)),
        Screen("approver-home", "approver", "/workbench/"),
        Screen("county-approval", "approver", case(county_approval.pk)),
        Screen("statistics", "approver", f"/workbench/reports/monthly/?region=371403&month={month}"),
        Screen("estimate", "approver", "/workbench/reports/estimate/?region=371403"),
        Screen("imports", "approver", "/workbench/imports/"),
        Screen("roll-conflicts", "approver", "/workbench/rolls/conflicts/"),
        Screen("premium-subsidies", "approver", "/workbench/premium-subsidies/"),
        Screen("on-time", "approver", "/workbench/reports/on-time/"),
        Screen("claims", "approver", "/workbench/claims/"),
        Screen("claim", "approver", f"/workbench/claims/{claim.pk}/"),
        Screen("roll-lookup", "approver", f"/workbench/recipients/?id_number={ZHANG}"),
        Screen("person-file", "approver", f"/workbench/persons/{ZHANG}/"),
        Screen("auditor-home", "auditor", "/workbench/"),
        Screen("audit-search", "auditor", "/workbench/audit/"),
        Screen("audit-history", "auditor", f"/workbench/applications/{notice_delivery.pk}/history/"),
        Screen("window-home", "window", "/workbench/"),
        Screen("settlement-window", "window", f"/workbench/settlements/window/?id_number={ZHANG}"),
        Screen("settlements", "window", f"/workbench/settlements/?month={month}"),
        Screen("settlement", "window", f"/workbench/settlements/{settlement.pk}/"),
        Screen("window-claims", "window", "/workbench/claims/"),
        Screen("finance-home", "finance", "/workbench/"),
        Screen("payable", "finance", "/workbench/payments/"),
        Screen("batches", "finance", "/workbench/payments/batches/"),
        Screen("batch", "finance", f"/workbench/payments/batches/{batch.pk}/"),
        Screen("payment-report", "finance", f"/workbench/payments/report/?month={month}"),
    ]


def visit_all(page, screens: list[Screen], check) -> dict:
    """Visit each screen, signed in as its user, and collect what `check(page, screen)` returns."""
    found, signed_in = {}, object()
    for screen in screens:
        if screen.user != signed_in:
            page.context.clear_cookies()
            if screen.user:
                log_in(page, screen.user, PASSWORD)
            signed_in = screen.user
        response = page.goto(screen.path)
        assert response.status < 400, (screen.name, screen.path, response.status)
        page.wait_for_load_state("networkidle")
        found[screen.name] = check(page, screen)
    return found


def two_factor_screen(page, settings, user) -> None:
    """Sign `user` in with the second step switched on: the enrolment page (QR code) opens."""
    settings.AIDFLOW_REQUIRE_2FA = True
    page.context.clear_cookies()
    log_in(page, user.username, PASSWORD)
    page.wait_for_url("**/accounts/two-factor/**")
