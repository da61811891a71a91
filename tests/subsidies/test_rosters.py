"""Premium subsidies (资助参保, seed 002 line ~1776; INTERFACES section 12): the roster built from the
rolls on the policy's reference day, a supplementary roster for who joined later, nobody twice a
year, the agency's file and answer (all or nothing), the total paid to the insurance fund through a
payment batch, and the month's statistics."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from aidflow.rolls.models import RollPeriod
from aidflow.subsidies.models import PremiumEntry, PremiumRoster
from tests.factories import BEIJIE, NANYOUFANG, make_staff, person, today
from tests.payments.conftest import finance  # noqa: F401 - fixture
from tests.recoveries.test_revocation import post
from tests.subsidies.helpers import FUND
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db
YEAR = today().year - 1  # a year gone by: its rolls are complete whatever today is
A, B, C, D, E, F, G = (person(f"06{index}") for index in range(7))


def on_roll(who, category, start, end=None, region=BEIJIE):
    RollPeriod.objects.create(
        id_number=who, name="某某", category=category, region=region, valid_from=start, valid_to=end
    )


@pytest.fixture
def rolls(policy):
    jan1 = datetime.date(YEAR, 1, 1)
    on_roll(A, "dibao", jan1 - datetime.timedelta(days=300))
    on_roll(B, "tekun", jan1)
    on_roll(C, "dibao", jan1 - datetime.timedelta(days=30))
    on_roll(C, "tekun", jan1 - datetime.timedelta(days=10))  # on both rolls: listed once, as 特困
    on_roll(D, "orphan", jan1 - datetime.timedelta(days=30))  # not covered
    on_roll(E, "dibao", datetime.date(YEAR, 6, 1))  # joined later: the supplementary roster
    on_roll(F, "dibao", jan1 - datetime.timedelta(days=30), region=NANYOUFANG)  # another county
    on_roll(G, "dibao", jan1 - datetime.timedelta(days=400), jan1 - datetime.timedelta(days=1))  # left before


def build(user):
    return post(user, "/api/v1/premium-subsidies/rosters/", {"county": "371403", "year": YEAR})


def test_the_rosters_by_hand(rolls, approver, outsider):
    answer = build(approver)
    assert answer.status_code == 201, answer.content
    roster = answer.json()
    # A, B and C on the demo policy's day (1 January), 400.00 each (demo values).
    assert (roster["count"], roster["total"], roster["status"], roster["supplementary"]) == (
        3,
        "1200.00",
        "draft",
        False,
    )
    assert roster["reference_date"] == f"{YEAR}-01-01"
    categories = dict(PremiumEntry.objects.values_list("id_number", "category"))
    assert categories == {A: "dibao", B: "tekun", C: "tekun"}
    assert build(approver).status_code == 409  # a draft is waiting
    assert post(outsider, "/api/v1/premium-subsidies/rosters/", {"county": "371403", "year": YEAR}).status_code == 404
    bad = post(approver, "/api/v1/premium-subsidies/rosters/", {"county": "3714031", "year": "20x6"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"county", "year"}
    path = f"/api/v1/premium-subsidies/rosters/{roster['id']}/confirm/"
    refused = post(approver, path, {**FUND, "account": "12"})
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"account"}
    confirmed = post(approver, path, FUND)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert post(approver, path, FUND).status_code == 409
    # Who joined later comes in a supplementary roster; nobody twice.
    later = build(approver).json()
    assert (later["count"], later["supplementary"]) == (1, True)
    assert set(PremiumEntry.objects.filter(roster_id=later["id"]).values_list("id_number", flat=True)) == {E}
    post(approver, f"/api/v1/premium-subsidies/rosters/{later['id']}/discard/", {})
    assert not PremiumRoster.objects.filter(pk=later["id"]).exists()


def test_nobody_twice_in_one_year_even_past_the_service(rolls, approver):
    roster = PremiumRoster.objects.get(pk=build(approver).json()["id"])
    with pytest.raises(IntegrityError), transaction.atomic():
        PremiumEntry.objects.create(
            roster=roster,
            county="371403",
            year=YEAR,
            id_number=A,
            name="某某",
            category="dibao",
            region=BEIJIE,
            amount=400,
        )


def results_file(rows, header="身份证号,结果,原因") -> SimpleUploadedFile:
    text = header + "\n" + "\n".join(rows) + "\n"
    return SimpleUploadedFile("answer.csv", text.encode("gb18030"))


def test_the_agency_file_its_answer_and_the_payment(rolls, approver, finance, one_signature):  # noqa: F811
    roster = build(approver).json()
    base = f"/api/v1/premium-subsidies/rosters/{roster['id']}"
    assert client_for(approver).get(f"{base}/export.xlsx").status_code == 409  # confirm first
    post(approver, f"{base}/confirm/", FUND)
    book = client_for(approver).get(f"{base}/export.xlsx")
    sheet = load_workbook(io.BytesIO(book.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert {row[1] for row in rows[2:5]} == {A, B, C} and rows[-1][5] == 1200
    # The answer: all rows or none, each bad row named.
    api = client_for(approver)
    rows = [f"{A},成功,", f"{person('099')},成功,", f"{B},失败,"]
    bad = api.post(f"{base}/results/", {"file": results_file(rows, header="id_number,result,reason")})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"row 3.id_number", "row 4.reason", "file"}
    assert PremiumRoster.objects.get(pk=roster["id"]).status == "confirmed"
    good = api.post(
        f"{base}/results/", {"file": results_file([f"{A},成功,", f"{B},失败,已在外地参保", f"{C},accepted,"])}
    )
    assert good.status_code == 200, good.content
    assert (good.json()["accepted"], good.json()["rejected"], good.json()["status"]) == (2, 1, "recorded")
    # The finance officer pays the fund what the agency accepted: 2 x 400.00.
    batch = post(finance, "/api/v1/payment-batches/", {"county": "371403"})
    assert batch.status_code == 201, batch.content
    line = next(line for line in batch.json()["lines"] if line["ref"] == roster["number"])
    assert (line["amount"], line["payee"]) == ("800.00", FUND["payee"])
    results = [{"line": line["id"], "status": "paid", "paid_on": today().isoformat()}]
    answer = post(finance, f"/api/v1/payment-batches/{batch.json()['id']}/results/", {"results": results})
    assert answer.status_code == 200, answer.content
    paid = PremiumRoster.objects.get(pk=roster["id"])
    assert (paid.payment_status, paid.paid_on) == ("paid", today())
    # Paid once: the next batch has nothing of it.
    assert post(finance, "/api/v1/payment-batches/", {"county": "371403"}).status_code == 409
    # The month's statistics count the roster and the payment.
    figures = client_for(approver).get(f"/api/v1/statistics/monthly/?region=371403&month={today():%Y-%m}").json()
    assert figures["premium_subsidies"]["paid"] == "800.00"  # what the agency accepted
    assert (figures["premium_subsidies"]["persons"], figures["premium_subsidies"]["amount"]) == (3, "1200.00")


def test_the_screens(rolls, approver):
    client = client_for(approver)
    page = client.get("/workbench/premium-subsidies/")
    assert page.status_code == 200 and 'id="roster-build"' in page.content.decode()
    built = client.post("/workbench/premium-subsidies/", {"county": "371403", "year": YEAR})
    assert built.status_code == 302
    detail = client.get(built["Location"]).content.decode()
    assert 'id="roster-confirm"' in detail and "1200.00" in detail and A not in detail
    bad = client.post(built["Location"], {"action": "confirm", **FUND, "account": "1"})
    assert bad.status_code == 400
    assert client.post(built["Location"], {"action": "confirm", **FUND}).status_code == 302
    assert 'id="roster-results"' in client.get(built["Location"]).content.decode()
    # The person file lists the subsidy.
    person_page = client.get(f"/workbench/persons/{A}/").content.decode()
    assert 'id="person-premiums"' in person_page and f"ZC-371403-{YEAR}-01" in person_page
    clerk = make_staff("clerk7", "village_clerk", BEIJIE, "李秀英")
    assert client_for(clerk).get("/workbench/premium-subsidies/").status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_rosters_built_at_once_list_nobody_twice(rolls, approver, finance, one_signature):  # noqa: F811
    from django.db import connection

    from aidflow.payments.services.batching import batch_create
    from aidflow.subsidies.services import roster_build
    from tests.concurrency import run_in_threads

    data = {"county": "371403", "year": YEAR}
    results = run_in_threads(
        [lambda: roster_build(user=approver, data=data), lambda: roster_build(user=approver, data=data)]
    )
    built = [result for result in results if isinstance(result, PremiumRoster)]
    assert len(built) == 1 and len(results) == 2
    assert PremiumEntry.objects.count() == 3 and connection.vendor == "postgresql"
    post(approver, f"/api/v1/premium-subsidies/rosters/{built[0].pk}/confirm/", FUND)
    # Two batches at once: the roster is paid in one line of one of them.
    batches = run_in_threads(
        [
            lambda: batch_create(user=finance, data={"county": "371403"}),
            lambda: batch_create(user=finance, data={"county": "371403"}),
        ]
    )
    from aidflow.payments.models import PaymentLine

    assert PaymentLine.objects.filter(roster=built[0]).count() == 1
    assert sum(1 for batch in batches if hasattr(batch, "number")) == 1
