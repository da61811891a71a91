"""A client generated from our OpenAPI schema by openapi-python-client (a tool nobody here wrote) runs
one whole procedure against a live server: if the schema lies - a body type, an enum, a required
field, an undocumented status - the generated code fails to build, to import or to parse an answer.
"""

import importlib
import json
import subprocess
import sys

import pytest
from django.utils import timezone

from aidflow.notices.tasks import render_pending_notices
from tests.factories import BEIJIE, PASSWORD, FilingFactory, person

pytestmark = pytest.mark.django_db(transaction=True)

CONFIG = """\
package_name_override: aidflow_client
post_hooks: []
content_type_overrides:
  application/pdf: application/octet-stream
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client package, generated once from the schema the app serves; any generator warning fails."""
    from drf_spectacular.generators import SchemaGenerator

    pytest.importorskip("openapi_python_client", reason="needs openapi-python-client (requirements-dev.txt)")
    root = tmp_path_factory.mktemp("client")
    schema = SchemaGenerator().get_schema(request=None, public=True)
    (root / "schema.json").write_text(json.dumps(schema, default=str), encoding="utf-8")
    (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(root / "schema.json")]
    command += ["--config", str(root / "config.yaml"), "--meta", "none", "--fail-on-warning"]
    command += ["--output-path", str(root / "aidflow_client")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("aidflow_client")
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name.startswith("aidflow_client")]:
            del sys.modules[name]


def every_module_imports(package) -> int:
    import pkgutil

    names = [info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    for name in names:
        importlib.import_module(name)
    return len(names)


def signed_in(client_module, base_url: str, username: str):
    from aidflow_client.api.auth import auth_token_create
    from aidflow_client.models import Token, TokenRequestRequest

    anonymous = client_module.Client(base_url=base_url, raise_on_unexpected_status=True)
    answer = auth_token_create.sync(client=anonymous, body=TokenRequestRequest(username=username, password=PASSWORD))
    assert isinstance(answer, Token), answer
    return client_module.AuthenticatedClient(
        base_url=base_url, token=answer.token, prefix="Token", raise_on_unexpected_status=True
    )


def open_task(client, application_id: int, stage: str) -> int:
    from aidflow_client.api.tasks import tasks_list

    page = tasks_list.sync(client=client)
    ids = [task.id for task in page.results if task.application == application_id and task.stage.value == stage]
    assert len(ids) == 1, page
    return ids[0]


def complete(client, task_id: int, body):
    from aidflow_client.api.tasks import tasks_complete_create
    from aidflow_client.models import ApplicationDetail

    response = tasks_complete_create.sync_detailed(task_id, client=client, body=body)
    assert response.status_code == 200 and isinstance(response.parsed, ApplicationDetail), response.content
    return response.parsed


def test_a_generated_client_runs_a_whole_procedure(generated, live_server, policy, clerk, reviewer, approver):
    assert every_module_imports(generated) > 40
    from aidflow_client.api.applications import (
        applications_create,
        applications_history_list,
        applications_list,
        applications_retrieve,
    )
    from aidflow_client.api.notices import applications_notices_list, notices_pdf_retrieve, verify_retrieve
    from aidflow_client.models import (
        ApplicationDetail,
        ApplicationStatusEnum,
        DecisionEnum,
        Error,
        FilingRequestRequest,
        MethodEnum,
        StageDecisionEnum,
        TaskCompleteRequest,
        Verification,
    )

    base = live_server.url
    today = timezone.localdate()

    # Signed out: a documented 401 with the error body, parsed by the client.
    refused = applications_list.sync_detailed(client=generated.Client(base_url=base))
    assert refused.status_code == 401 and isinstance(refused.parsed, Error) and refused.parsed.detail

    village = signed_in(generated, base, clerk.username)
    filed = applications_create.sync(
        client=village, body=FilingRequestRequest.from_dict(FilingFactory(region=BEIJIE, person=person("001")))
    )
    assert isinstance(filed, ApplicationDetail) and filed.status == ApplicationStatusEnum.IN_PROGRESS
    assert filed.decision is None and filed.amount is None and filed.calculation.amount == filed.computed_amount

    # Empty optional texts are accepted ("reasons" is optional to forward).
    task = open_task(village, filed.id, "village_check")
    complete(village, task, TaskCompleteRequest(decision=StageDecisionEnum.FORWARD, findings="材料齐全", reasons=""))

    township = signed_in(generated, base, reviewer.username)
    task = open_task(township, filed.id, "township_review")
    visit = TaskCompleteRequest(
        decision=StageDecisionEnum.FORWARD, visit_date=today, visitors="张三、李四", findings="属实", reasons=""
    )
    complete(township, task, visit)
    # The same task again: a documented 409 with its error body.
    again = generated.api.tasks.tasks_complete_create.sync_detailed(task, client=township, body=visit)
    assert again.status_code == 409 and isinstance(again.parsed, Error)

    county = signed_in(generated, base, approver.username)
    task = open_task(county, filed.id, "county_approval")
    decided = complete(county, task, TaskCompleteRequest(decision=StageDecisionEnum.APPROVE, reasons=""))
    assert decided.decision == DecisionEnum.APPROVED and decided.amount == filed.computed_amount

    render_pending_notices(older_than_seconds=0)  # the worker's part: the notice's PDF
    task = open_task(township, filed.id, "notice_delivery")
    delivery = TaskCompleteRequest(delivered_on=today, method=MethodEnum.IN_PERSON, recipient="申请人本人")
    delivered = complete(township, task, delivery)
    assert delivered.status == ApplicationStatusEnum.APPROVED and delivered.notice_pending is False

    detail = applications_retrieve.sync(filed.id, client=county)
    assert [task.stage.value for task in detail.tasks][-1] == "notice_delivery"
    notices = applications_notices_list.sync(filed.id, client=county)
    assert len(notices) == 1 and len(notices[0].sha256) == 64
    pdf = notices_pdf_retrieve.sync_detailed(notices[0].id, client=county)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    checked = verify_retrieve.sync(notices[0].verification_code, client=generated.Client(base_url=base))
    assert isinstance(checked, Verification) and checked.valid and checked.number == notices[0].number
    history = applications_history_list.sync(filed.id, client=county)
    assert {"filed", "forwarded", "approved", "delivered"} <= {event.action for event in history}

    # Outside the scope: a documented 404.
    missing = applications_retrieve.sync_detailed(filed.id + 10_000, client=county)
    assert missing.status_code == 404 and isinstance(missing.parsed, Error)
