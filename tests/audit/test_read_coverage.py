"""Every read of personal data is audited.

Every URL pattern is classified here, by hand and reviewed: PERSONAL (shows someone's full name, ID
number, diagnosis or bank account) or NOT_PERSONAL (with the reason). With one person's case, a
settlement, a claim and a payment batch on file, each pattern is fetched (GET) by someone who may see
it: a PERSONAL one must have recorded a read (waiting or in the chain); a NOT_PERSONAL one must show
none of the person's name, ID number, diagnoses or full account. A pattern added without being
classified fails the test, and so does a classification that no longer matches the pattern list.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from aidflow.archive.background import archive_build, archive_create
from aidflow.audit.models import AuditEvent, PendingRead
from aidflow.cases.selectors import open_task
from aidflow.notices.models import Notice
from aidflow.settlements.models import Settlement, SettlementClaim
from tests.factories import FilingFactory, advance, certificate, make_staff, today
from tests.payments.conftest import ACCOUNT, approved, payee
from tests.settlements.conftest import ZHANG, discharged, register, settle_body, window  # noqa: F401 - fixtures
from tests.subsidies.helpers import confirmed_roster
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db

# Shows at least one of: a full name, a full ID number, a diagnosis, a full bank account.
PERSONAL = {
    "api:person": "the person file: rolls, cases, settlements, payments",
    "workbench:person": "the person file: rolls, cases, settlements, payments",
    "workbench:persons": "the person file, the ID number asked in the query",
    "api:receipt": "the filing receipt PDF: the applicant's name",
    "workbench:receipt": "the filing receipt PDF: the applicant's name",
    "api:application": "the case: applicant, patient, diagnoses",
    "api:application_form": "the application form PDF",
    "api:batch": "a payment batch: payees' full names",
    "api:batch_export": "the bank file: full accounts",
    "api:roster_export": "the insurance agency's file: names and ID numbers in full",
    "workbench:premium_roster_export": "the insurance agency's file: names and ID numbers in full",
    "api:notice_pdf": "a decision notice PDF",
    "api:recipient": "a roll look-up by ID number",
    "api:referrals": "referrals: patients and diagnoses",
    "api:settlement": "a settlement: patient's name, diagnosis",
    "api:settlement_slip": "the settlement slip PDF",
    "api:settlements": "settlements: patients' names, diagnoses",
    "workbench:application": "the case page",
    "workbench:application_form": "the application form PDF",
    "workbench:batch": "a payment batch: payees' full names",
    "workbench:batch_export": "the bank file: full accounts",
    "workbench:claim": "a claim lists each settlement's patient",
    "workbench:document": "a document of the case",
    "workbench:notice_pdf": "a decision notice PDF",
    "workbench:payable": "what is payable: payees' full names",
    "workbench:payable_export": "the payable list as a workbook",
    "workbench:payment_report": "the month's payments, line by line: payees",
    "workbench:payment_report_export": "the month's payments as a workbook",
    "workbench:recipients": "a roll look-up by ID number",
    "workbench:referrals": "referrals: patients and diagnoses",
    "workbench:settlement": "a settlement: patient's name, ID number, diagnosis",
    "workbench:settlement_reverse": "the settlement page again (GET)",
    "workbench:settlement_slip": "the settlement slip PDF",
    "workbench:settlement_window": "the window's roll look-up by ID number",
    "workbench:settlements": "settlements: patients' names, ID numbers",
    "workbench:settlements_export": "the settlement list as a workbook",
    "workbench:reductions": "a hospital's reduction ledger: patients' names",
    "workbench:reductions_export": "a hospital's reduction ledger as a workbook",
    "workbench:survey_form": "the home-visit survey form PDF",
    "workbench:dossier": "the case's dossier PDF: form, notices, documents, payment",
    "api:dossier": "the case's dossier PDF: form, notices, documents, payment",
    "workbench:archive_month_export": "a county's month of dossiers as a ZIP, with an index of names",
    "workbench:archive_download": "a county's month of dossiers built in the background, as a ZIP",
    "workbench:applications_export": "the application list as a workbook",
    "workbench:inbox_export": "the inbox as a workbook",
    "workbench:claims_export": "the claims as a workbook",
    "workbench:task": "the case page, with the task's form",
    "workbench:payee": "the case page, with the payee's form",
    "workbench:withdraw": "the case page, with the withdrawal's form",
    "workbench:appeal": "the case page, with the appeal's form",
    "workbench:appeal_outcome": "the case page, with the appeal outcome's form",
}

# Each with the reason it shows no personal data (names and ID numbers masked, or none at all).
NOT_PERSONAL = {
    "status": "the public status page: stage, due date and outcome only",
    "api:status": "the public status answer: stage, due date and outcome only",
    "index": "redirects to the workbench",
    "two_factor": "the user's own second sign-in step",
    "login": "sign-in",
    "logout": "sign-out",
    "password_change": "the user's own password",
    "password_change_done": "the user's own password",
    "set_language": "language switch",
    "javascript-catalog": "translations",
    "verify": "public notice check: the name masked",
    "disclosure": "public disclosure: names masked as the policy publishes them",
    "api:token": "sign-in",
    "api:logout": "sign-out",
    "api:applications": "list: names and ID numbers masked",
    "api:documents": "upload only (POST); the upload is audited",
    "api:notices": "notice numbers and hashes",
    "api:history": "the case's audited acts: staff, actions, amounts",
    "api:tasks": "open tasks: names masked",
    "api:task_complete": "a decision (POST), audited as the decision",
    "api:appeals": "recording a reconsideration or lawsuit (POST), audited",
    "api:appeal_outcome": "recording an appeal's outcome (POST), audited",
    "api:verify": "public notice check: the name masked",
    "api:calculate": "a calculation of the figures sent (POST)",
    "api:ontime": "counts per township",
    "api:hospitals": "the register of designated hospitals",
    "api:settlement_reverse": "a reversal (POST), audited",
    "api:application_revoke": "a revocation (POST), audited",
    "api:settlement_revoke": "a revocation (POST), audited",
    "api:recoveries": "recoveries: case numbers, payees' names masked, hospitals, amounts",
    "api:recovery": "a recovery: case number, the payee's name masked, amounts",
    "api:recovery_write_off": "a write-off decision (POST), audited",
    "workbench:application_revoke": "a revocation (POST only), audited",
    "workbench:settlement_revoke": "a revocation (POST only), audited",
    "workbench:recoveries": "recoveries: case numbers, payees' names masked, hospitals, amounts",
    "workbench:recovery": "a recovery: case number, the payee's name masked, amounts",
    "api:verifications": "verifications: settlement numbers, patients' names masked, hospitals, amounts",
    "api:verification_answer": "recording the patient's answer (POST), audited",
    "api:imports": "uploading a file for its preview (POST), audited",
    "api:rosters": "premium subsidy rosters: numbers, counts and totals, nobody named",
    "api:roster": "a premium subsidy roster: counts and totals, nobody named",
    **dict.fromkeys(
        ("api:roster_confirm", "api:roster_discard", "api:roster_results"), "a roster's step (POST), audited"
    ),
    "workbench:premium_rosters": "premium subsidy rosters: numbers, counts and totals, nobody named",
    "workbench:premium_roster": "a roster's persons: ID numbers and names masked",
    "api:import": "an import's outcomes: counts, errors by row and column, ID numbers masked",
    **dict.fromkeys(("api:import_confirm", "api:import_discard"), "deciding on an import (POST), audited"),
    "api:roll_conflict_resolve": "resolving a conflict (POST), audited",
    "workbench:imports": "the upload form and the list of imports: file names, uploaders, counts",
    "workbench:import": "an import's rows: ID numbers and names masked, errors by column",
    "workbench:import_template": "a template: a header and a made-up example row",
    **dict.fromkeys(("api:roll_conflicts", "workbench:roll_conflicts"), "conflicts between rolls: names masked"),
    "api:settlement_verification": "asking the patient about a settlement (POST), audited",
    "workbench:verifications": "verifications: settlement numbers, patients' names masked, hospitals, amounts",
    "workbench:hospital": "a hospital's figures: counts and amounts by month and reason, no person named",
    "workbench:city_months": "the counties' months: states, signers, totals, no person named",
    "api:statistics_review": "a city's review of a month (POST), audited",
    "api:statistics_city": "the counties' months: states and totals, no person named",
    "api:statistics_estimate": "counts and money by category and aid type, no person named",
    "api:statistics_estimate_workbook": "the same estimate as a workbook, no person named",
    "workbench:estimate": "the fund-needs estimate: counts and money, no person named",
    "workbench:verification": "a verification: settlement number, the patient's name masked, amounts",
    "workbench:settlement_verification": "asking the patient about a settlement (POST only), audited",
    "api:claims": "claims: hospitals, counties, totals",
    "api:claim": "a claim: hospital, county, totals",
    "api:claim_review": "a review (POST), audited",
    "api:payee": "a payee change (PATCH), audited",
    "api:batches": "batches: numbers and totals",
    "api:batch_results": "results upload (POST), audited",
    "api:batch_approve": "the second signature (POST), audited",
    "api:hospital_suspend": "suspending a hospital (POST), audited",
    "api:hospital_lift": "lifting a hospital's suspension (POST), audited",
    "workbench:hospitals": "the county's hospitals and their suspensions: no person",
    "workbench:batch_approve": "the second signature (POST; GET goes back to the batch), audited",
    "api:statistics_monthly": "aggregate statistics",
    "api:statistics_workbook": "aggregate statistics",
    "api:statistics_submit": "a month's submission (POST), audited",
    "api:schema": "the API's description",
    "api:docs": "the API's description",
    "api:not_found": "a JSON 404",
    "workbench:index": "the home page: counts and links",
    "workbench:inbox": "open tasks: names masked",
    "workbench:applications": "list: names and ID numbers masked",
    "workbench:filing": "an empty filing form",
    "workbench:filing_preview": "a calculation of what the clerk types (POST)",
    "workbench:filing_hospitals": "the register of designated hospitals",
    "workbench:statistics": "aggregate statistics",
    "workbench:statistics_export": "aggregate statistics",
    "workbench:ontime": "counts per township",
    "workbench:blank_survey_form": "an empty form",
    "workbench:archive_month": "the archive export's month picker: counties only",
    "workbench:notifications": "the user's notifications: case numbers",
    "workbench:audit": "the audit log: staff acts (its export is audited)",
    "workbench:audit_export": "the audit log's export, itself audited",
    "workbench:application_history": "the case's audited acts: staff, actions, amounts",
    "workbench:claims": "claims: hospitals, counties, totals",
    "workbench:batches": "batches: numbers and totals",
    "workbench:results_template_csv": "a batch's results form: line numbers, references, amounts",
    "workbench:results_template_xlsx": "a batch's results form: line numbers, references, amounts",
}

# The admin site: its own pages and each registered model, none an applicant's or patient's record.
ADMIN_MODELS = {
    "policy_policyversion": "policy versions",
    "audit_auditevent": "audit events (superuser, read-only)",
    "regions_region": "regions",
    "regions_staffprofile": "staff",
    "rolls_hospital": "the hospital register: a hospital's account, no person's",
    "auth_user": "staff accounts",
    "auth_group": "permission groups",
    "axes_accessattempt": "failed sign-ins",
    "axes_accesslog": "sign-ins",
    "axes_accessfailurelog": "failed sign-ins",
    "authtoken_tokenproxy": "API tokens",
    "viewflow_process": "workflow processes: states and dates",
    "viewflow_task": "workflow tasks: states and owners",
    "otp_totp_totpdevice": "staff authenticators",
    "otp_static_staticdevice": "staff recovery codes",
}
ADMIN_PAGES = {"index", "login", "logout", "password_change", "password_change_done", "jsi18n", "app_list"}
ADMIN_PAGES |= {"view_on_site", "autocomplete", ""}  # "": the admin's catch-all (a redirect or 404)


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, full name) of every pattern the site resolves."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace + (pattern.name or "")


def admin_classified(name: str) -> bool:
    page = name.removeprefix("admin:")
    return page in ADMIN_PAGES or any(page.startswith(f"{model}_") for model in ADMIN_MODELS)


def test_every_url_pattern_is_classified():
    names = {name for _route, name in url_patterns()}
    assert "" not in names, "every URL pattern is named, so that it can be classified"
    site = {name for name in names if not name.startswith("admin:")}
    assert set(PERSONAL) & set(NOT_PERSONAL) == set()
    assert site - set(PERSONAL) - set(NOT_PERSONAL) == set(), "classify these in PERSONAL or NOT_PERSONAL"
    assert (set(PERSONAL) | set(NOT_PERSONAL)) - site == set(), "classified but no longer routed"
    assert {name for name in names - site if not admin_classified(name)} == set(), "classify the admin's"


@pytest.fixture
def world(policy, clerk, reviewer, approver, auditor, window, capture_on_commit):  # noqa: F811
    """One person's case (with a document, a payee and a notice), a settlement of another person, an
    approved claim, and a payment batch paying both."""
    from aidflow.cases.services.filing import application_file
    from aidflow.rolls.models import Hospital

    finance = make_staff("finance", "county_finance", "371403", "郑红")
    data = FilingFactory()
    data["payee"] = payee()
    application = application_file(user=clerk, data=data, documents=certificate())
    application = advance(application, to="notice_delivery", capture=capture_on_commit)
    Hospital.objects.filter(code="H-LC").update(bank="农业银行陵城支行", account="6200000000000371403")
    # With a reduction by the hospital, so its reduction ledger lists the patient.
    body = settle_body(hospital_reduction="300.00")
    settled = client_for(window).post("/api/v1/settlements/", body, content_type="application/json")
    assert settled.status_code == 201, settled.content
    claim = client_for(window).post(
        "/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m")}, content_type="application/json"
    )
    assert claim.status_code == 201, claim.content
    review = client_for(approver).post(
        f"/api/v1/settlement-claims/{claim.json()['id']}/review/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert review.status_code == 200, review.content
    batch = client_for(finance).post("/api/v1/payment-batches/", {"county": "371403"}, content_type="application/json")
    assert batch.status_code == 201, batch.content
    second = make_staff("finance_b", "county_finance", "371403", "冯静")
    signed = client_for(second).post(f"/api/v1/payment-batches/{batch.json()['id']}/approve/")
    assert signed.status_code == 200, signed.content
    line = next(line for line in batch.json()["lines"] if line["ref"] == application.number)
    paid = client_for(finance).post(
        f"/api/v1/payment-batches/{batch.json()['id']}/results/",
        {"results": [{"line": line["id"], "status": "paid", "paid_on": today().isoformat()}]},
        content_type="application/json",
    )
    assert paid.status_code == 200, paid.content
    approved(clerk, order="041")  # payable, in no batch yet
    roster = confirmed_roster(approver, data["applicant"], application.village_id)  # the applicant on a 低保 roll
    notice = Notice.objects.get(application=application)
    archive = archive_create(user=auditor, county="371403", month=today().strftime("%Y-%m"))
    archive_build(archive.pk)
    return {
        "archive_id": archive.pk,
        "application": application,
        "task": open_task(application),
        "document": application.documents.first(),
        "notice": notice,
        "settlement": Settlement.objects.get(),
        "claim": SettlementClaim.objects.get(),
        "batch_id": batch.json()["id"],
        "roster_id": roster.pk,
        "finance": finance,
        "secrets": {
            "name": data["applicant"]["name"],
            "ID number": data["applicant"]["id_number"],
            "diagnosis": data["stays"][0]["diagnosis"],
            "account": ACCOUNT,
            "member": data["household"]["members"][0]["name"],
            "patient": "张秀兰",
            "patient's ID number": ZHANG,
            "patient's diagnosis": settle_body()["stay"]["diagnosis"],
        },
    }


@pytest.fixture
def capture_on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def _path(route: str, world) -> str:
    """The route with the world's records in its parameters."""
    values = {
        "task_pk": world["task"].pk,
        # The case page answers a GET of an appeal's outcome form, whichever appeal it names.
        "appeal_pk": 1,
        "document_pk": world["document"].pk,
        "code": world["notice"].verification_code,
        "id_number": ZHANG,
        "county": "371403",
        "month": today().strftime("%Y-%m"),
        **{"kind": "recipients", "fmt": "csv"},
    }
    by_collection = {
        "applications": world["application"].pk,
        "notices": world["notice"].pk,
        "settlements": world["settlement"].pk,
        "claims": world["claim"].pk,
        "settlement-claims": world["claim"].pk,
        "batches": world["batch_id"],
        "payment-batches": world["batch_id"],
        "tasks": world["task"].pk,
        "archive": world["archive_id"],
        # No revocation, verification, import or conflict in this world: their pages answer 404.
        **dict.fromkeys(("recoveries", "verifications", "imports", "roll-conflicts"), 0),
        **dict.fromkeys(("rosters", "premium-subsidies"), world["roster_id"]),
    }

    def value(match):
        name = match.group(2)
        if name == "pk":
            collection = route[: match.start()].rstrip("/").split("/")[-1]
            return str(by_collection[collection])
        return str(values[name])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route).replace("^", "")


QUERY = {
    "workbench:recipients": {"id_number": ZHANG},
    "workbench:settlement_window": {"id_number": ZHANG},
    "api:referrals": {"id_number": ZHANG},
    "workbench:referrals": {"id_number": ZHANG},
    "workbench:persons": {"id_number": ZHANG},
    "workbench:reductions": {"hospital": "H-LC", "month": discharged()[1][:7]},
    "workbench:reductions_export": {"hospital": "H-LC", "month": discharged()[1][:7]},
    "workbench:archive_month_export": {"county": "371403", "month": today().strftime("%Y-%m")},
}


def _persona(name: str, world, users):
    if name in {"workbench:settlement_window"}:
        return users["window"]
    if "payable" in name or "results_template" in name or name in {"workbench:payment_report"}:
        return world["finance"]
    return users["auditor"]


def _reads_by(user) -> int:
    return (
        PendingRead.objects.filter(actor=user).count()
        + AuditEvent.objects.filter(actor=user).exclude(action__in=["login", "logout"]).count()
    )


def test_every_view_showing_personal_data_records_the_read(world, auditor, window):  # noqa: F811
    users = {"auditor": auditor, "window": window}
    silent, leaking, unreachable = [], [], []
    for route, name in url_patterns():
        if name.startswith("admin:") or name in {"api:not_found", "logout", "api:logout"}:
            continue
        user = _persona(name, world, users)
        client = client_for(user)
        before = _reads_by(user)
        path, query = _path(route, world), QUERY.get(name, {})
        response = client.get(path, query)
        recorded = _reads_by(user) > before
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        shown = sorted(label for label, secret in world["secrets"].items() if secret in text)
        textual = response.get("Content-Type", "").startswith(("text/html", "application/json"))
        if name in PERSONAL:
            # A look-up by ID number tells of the person asked for, whatever it shows (names masked).
            asked = ZHANG in path or ZHANG in query.values()
            if response.status_code != 200 or (textual and not shown and not asked):
                unreachable.append((name, response.status_code, shown))
            elif not recorded:
                silent.append(name)
        elif shown:
            leaking.append((name, shown))
    assert unreachable == [], "each personal-data view is fetched showing someone: fix its path, persona or data"
    assert silent == [], "these show personal data and record no read"
    assert leaking == [], "classified NOT_PERSONAL, yet they show personal data"
