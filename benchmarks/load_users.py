"""What the simulated people of benchmarks/load_test.py do, role by role, through the web screens and
the REST API: clerks file applications with scanned PDFs and pass them on, township reviewers and
county approvers decide, auditors open the audit pages and case files (which seal the waiting reads
into the chain while reviews append to it), finance, statistics and the hospital's window.

Each action sends its requests through load_client.Client; `expect` names the answers a person may
meet when doing it (a 409 when a colleague took the same task first); anything else is counted as
unexpected."""

from __future__ import annotations

import datetime
import random
import threading
import time
from dataclasses import dataclass, field

from load_client import CSRF_INPUT, Client

DOCUMENT_KINDS = ("id_card", "diagnosis", "settlement_bill")
HOSPITALS = {"371403": ("陵城区人民医院", "DEMO-371403-001", 2), "371426": ("平原县第一人民医院", "DEMO-371426-001", 2)}
# People on the rolls a hospital's window settles: imported by load_test (`import_recipients`), 100 a
# county, so the year's cap of each is reached only after many runs.
ROLL_SIZE = 100


def roll_patients(county: str) -> list[tuple[str, str, str]]:
    """(id_number, name, village) of the county's synthetic key recipients, the same every run."""
    from aidflow.cases.demo import demo_id

    villages = {"371403": "371403105201", "371426": "371426102201"}
    people = []
    for index in range(ROLL_SIZE):
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=97 * index)
        people.append(
            (demo_id(county, birth, f"{800 + index % 100:03d}"), SURNAMES[index % 10] + "桂芝", villages[county])
        )
    return people


DIAGNOSES = [("肺恶性肿瘤", "C34.9"), ("急性心肌梗死", "I21.9"), ("慢性肾脏病5期", "N18.5"), ("脑梗死", "I63.9")]
SURNAMES = "王李张刘陈杨赵黄周吴"


@dataclass
class Persona:
    username: str
    role: str
    region: str  # village, township or county code; the hospital's county for a hospital clerk
    api: bool = False  # signs in for an API token rather than on the web form
    name: str = ""


@dataclass
class Shared:
    """What every user thread may read: application ids by village (grows as clerks file), today."""

    pdf: bytes
    today: str
    applications: dict = field(default_factory=dict)
    roll: dict = field(default_factory=dict)  # county: roll_patients(county)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def some_application(self, rng: random.Random, region: str) -> int | None:
        with self.lock:
            ids = [pk for village, pks in self.applications.items() if village.startswith(region) for pk in pks]
        return rng.choice(ids) if ids else None

    def filed(self, village: str, pk: int) -> None:
        with self.lock:
            self.applications.setdefault(village, []).append(pk)


def filing_body(rng: random.Random, village: str) -> dict:
    from aidflow.cases.demo import _filing, _stay, demo_id

    county = village[:6]
    birth = datetime.date(1935, 1, 1) + datetime.timedelta(days=rng.randrange(25_000))
    id_number = demo_id(county, birth, f"{rng.randrange(1000):03d}")
    name = rng.choice(SURNAMES) + rng.choice(["秀英", "建国", "桂兰", "志强", "玉梅", "永福", "丽"])
    stay = _stay(HOSPITALS[county], rng.randint(21, 90), rng.randint(3, 20), "52000.00", "30000.00", "5000.00",
                 rng.choice(DIAGNOSES))  # fmt: skip
    return _filing(village, name, id_number, f"{rng.randint(600, 1500)}.00", rng.randint(1, 5), [stay])


def open_tasks(client: Client, stage: str) -> list[dict]:
    answer = client.request("api: my tasks", "GET", "/api/v1/tasks/", api=True)
    if answer.status != 200:
        return []
    return [task for task in answer.json()["results"] if task["stage"] == stage]


def complete(client: Client, kind: str, task: dict, payload: dict):
    # 409: a colleague completed it first; nothing else is expected.
    path = f"/api/v1/tasks/{task['id']}/complete/"
    return client.request(kind, "POST", path, body=payload, expect=(200, 409), api=True)


# --- village clerk ---------------------------------------------------------------------------------


def clerk_file(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    """The filing screen, the application over the API, three scanned PDFs, then the village check."""
    client.request("web: filing form", "GET", "/workbench/applications/new/")
    answer = client.request(
        "api: file application", "POST", "/api/v1/applications/", body=filing_body(rng, persona.region),
        expect=(201,), api=True,
    )  # fmt: skip
    if answer.status != 201:
        return
    application = answer.json()
    shared.filed(persona.region, application["id"])
    for kind in DOCUMENT_KINDS:
        client.request(
            "api: upload PDF document", "POST", f"/api/v1/applications/{application['id']}/documents/",
            files={"kind": kind, "file": ("scan.pdf", shared.pdf, "application/pdf")}, expect=(200, 201), api=True,
        )  # fmt: skip
    task = next((task for task in application["tasks"] if task["status"] == "open"), None)
    if task is not None:
        complete(client, "api: village check", task, {"decision": "forward", "findings": "材料齐全", "missing": []})


def clerk_tasks(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    """Returned cases: resubmit with the missing materials; unchecked ones: check and pass on."""
    for task in open_tasks(client, "supplement")[:1]:
        complete(client, "api: supplement", task, {"note": "已补充材料"})
    for task in open_tasks(client, "village_check")[:1]:
        complete(client, "api: village check", task, {"decision": "forward", "findings": "材料齐全", "missing": []})


def clerk_reads(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    client.request("web: inbox", "GET", "/workbench/inbox/")
    pk = shared.some_application(rng, persona.region)
    if pk is not None:
        client.request("web: case page", "GET", f"/workbench/applications/{pk}/")
        client.request("web: receipt PDF", "GET", f"/workbench/applications/{pk}/receipt.pdf")


# --- township reviewer -----------------------------------------------------------------------------


def reviewer_review(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    """The inbox, the case's action form, then the review: mostly forward, sometimes back or refused."""
    tasks = open_tasks(client, "township_review")
    if not tasks:
        return
    task = rng.choice(tasks[:5])
    path = f"/workbench/applications/{task['application']}/tasks/{task['id']}/"
    page = client.request("web: task form", "GET", path, expect=(200, 302, 404))
    roll = rng.random()
    payload = {"decision": "forward", "visit_date": shared.today, "visitors": "刘志强、王芳", "findings": "属实"}
    if roll < 0.05:
        payload.update(decision="return", reasons="缺少收入证明", missing=["income_proof"])
    elif roll < 0.08:
        payload.update(decision="reject", reasons="家庭收入超过低收入标准")
    token = CSRF_INPUT.search(page.text) if page.status == 200 else None
    if persona.api or token is None or payload["decision"] == "reject":
        complete(client, "api: township review", task, payload)
        return
    # Through the screen's form, as most reviewers do: 302 back to the case when done; 409 when a
    # colleague completed it first (404 once the case has moved on to another stage).
    form = {**payload, "csrfmiddlewaretoken": token.group(1), "missing": "\n".join(payload.get("missing", []))}
    client.request("web: township review", "POST", path, form=form, expect=(302, 404, 409))


def reviewer_deliver(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    for task in open_tasks(client, "notice_delivery")[:1]:
        payload = {"delivered_on": shared.today, "method": "in_person", "recipient": "申请人本人"}
        complete(client, "api: notice delivery", task, payload)


def reviewer_reads(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    client.request("web: inbox", "GET", "/workbench/inbox/")
    client.request("web: list search", "GET", f"/workbench/applications/?q={rng.choice(SURNAMES)}")


# --- county approver, finance ----------------------------------------------------------------------


def approver_approve(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    tasks = open_tasks(client, "county_approval")
    if not tasks:
        return
    task = rng.choice(tasks[:5])
    client.request("web: case page", "GET", f"/workbench/applications/{task['application']}/")
    detail = client.request("api: case detail", "GET", f"/api/v1/applications/{task['application']}/", api=True)
    eligible = detail.status == 200 and (detail.json().get("calculation") or {}).get("eligible", False)
    roll = rng.random()
    payload = {"decision": "approve"}
    if not eligible:  # the calculation finds nothing due: the approver refuses, as the form asks
        payload = {"decision": "reject", "reasons": "核算结果为不符合救助条件"}
    elif roll < 0.04:
        payload = {"decision": "return", "reasons": "请补充住院病历", "missing": ["inpatient_record"]}
    elif roll < 0.07:
        payload = {"decision": "reject", "reasons": "不符合救助条件"}
    answer = complete(client, "api: county approval", task, payload)
    if answer.status == 200 and payload["decision"] != "return":
        path = f"/api/v1/applications/{task['application']}/notices/"
        notices = client.request("api: notices of a case", "GET", path, api=True)
        for notice in notices.json() if notices.status == 200 else []:
            client.request("web: notice PDF", "GET", f"/workbench/notices/{notice['id']}/pdf/")


def approver_reads(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    client.request("web: list county", "GET", "/workbench/applications/?stage=county_approval")
    client.request("web: claims", "GET", "/workbench/claims/")
    pk = shared.some_application(rng, persona.region)
    if pk is not None:
        client.request("web: case page", "GET", f"/workbench/applications/{pk}/")


def monthly_statistics(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    query = f"?region={persona.region[:6]}&month={shared.today[:7]}"
    client.request("web: monthly statistics", "GET", f"/workbench/reports/monthly/{query}")


def statistics_reads(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    monthly_statistics(client, persona, rng, shared)
    client.request("web: on-time statistics", "GET", f"/workbench/reports/on-time/?from={shared.today[:4]}-01-01")


def finance_reads(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    client.request("web: payable", "GET", "/workbench/payments/")
    client.request("web: payment batches", "GET", "/workbench/payments/batches/")
    client.request("web: payment report", "GET", "/workbench/payments/report/")


# --- auditor ---------------------------------------------------------------------------------------


def auditor_audit(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    """The audit search (it seals the waiting reads into the chain first), filtered a few ways."""
    query = rng.choice(["", "?action=approved", "?action=reviewed", f"?region={persona.region}", "?page=2"])
    client.request("web: audit search", "GET", f"/workbench/audit/{query}")


def auditor_case(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    """A case file: the page (a read waiting to be sealed), its history (sealed), over web and API."""
    pk = shared.some_application(rng, persona.region)
    if pk is None:
        return
    client.request("web: case page", "GET", f"/workbench/applications/{pk}/")
    client.request("web: case history", "GET", f"/workbench/applications/{pk}/history/")
    client.request("api: case history", "GET", f"/api/v1/applications/{pk}/history/", api=True)


def auditor_lists(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    query = rng.choice([f"?q={rng.choice(SURNAMES)}", "?status=approved", "?overdue=1", "?page=2"])
    client.request("web: list search", "GET", f"/workbench/applications/{query}")
    client.request("api: list", "GET", f"/api/v1/applications/{query}", api=True)
    client.request("web: settlements", "GET", "/workbench/settlements/")


# --- hospital window -------------------------------------------------------------------------------


def window_settle(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    """The window's screen, a settlement at discharge over the API, then its slip to sign."""
    client.request("web: settlement window", "GET", "/workbench/settlements/window/")
    id_number, name, _village = rng.choice(shared.roll[persona.region])
    discharge = datetime.date.fromisoformat(shared.today) - datetime.timedelta(days=rng.randrange(0, 300))
    admission = discharge - datetime.timedelta(days=rng.randint(2, 15))
    body = {
        "patient": {"id_number": id_number, "name": name, "insured": True},
        "aid_type": "hospitalization",
        "stay": {
            "admission_date": admission.isoformat(), "discharge_date": discharge.isoformat(),
            "total_cost": "20000.00", "eligible_cost": "18000.00", "basic_insurance": "9000.00",
            "serious_illness_insurance": "0.00", "other_insurance": "500.00", "charity": "0.00",
            "diagnosis": "慢性阻塞性肺病伴急性加重", "icd10": "J44.1",
        },
    }  # fmt: skip
    # 409: that stay was settled already (the same admission day drawn twice); 422: no aid due.
    answer = client.request("api: settle at the window", "POST", "/api/v1/settlements/", body=body,
                            expect=(201, 409, 422), api=True)  # fmt: skip
    if answer.status == 201:
        client.request("web: settlement slip PDF", "GET", f"/workbench/settlements/{answer.json()['id']}/slip.pdf")


def window_reads(client: Client, persona: Persona, rng: random.Random, shared: Shared) -> None:
    client.request("web: settlements", "GET", "/workbench/settlements/")
    client.request("api: settlements", "GET", "/api/v1/settlements/", api=True)


# (weight, action) by role: what each kind of person spends the day on.
ACTIONS = {
    "village_clerk": [(4, clerk_file), (2, clerk_tasks), (2, clerk_reads)],
    "township_reviewer": [(5, reviewer_review), (1, reviewer_deliver), (2, reviewer_reads)],
    "county_approver": [(5, approver_approve), (2, approver_reads), (1, statistics_reads)],
    "county_finance": [(3, finance_reads), (1, monthly_statistics)],
    "auditor": [(3, auditor_audit), (4, auditor_case), (2, auditor_lists), (1, statistics_reads)],
    "hospital_clerk": [(4, window_settle), (2, window_reads)],
}


def user_loop(client: Client, persona: Persona, shared: Shared, until: float, seed: int, think: float) -> int:
    """Actions chosen by weight until `until` (time.monotonic()), with a pause between them of up to
    `think` seconds; returns how many actions were done."""
    rng = random.Random(seed)  # noqa: S311 - a simulation
    weights, actions = zip(*ACTIONS[persona.role], strict=True)
    done = 0
    while time.monotonic() < until:
        rng.choices(actions, weights)[0](client, persona, rng, shared)
        done += 1
        time.sleep(rng.uniform(0, think))
    return done
