"""Whole-application throughput for benchmarks/scale.py: file an application and take it through every
stage (village check, township review, county approval, delivery) with the real services, as fast as
one process can, for a number of seconds. The approval PDF is left to a worker (`render_schedule` is
what a broker would queue; here it queues nothing and the parent renders the pending notices)."""

from __future__ import annotations

import datetime
import random
import time
from unittest import mock


def run(seconds: float) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.utils import timezone

    from aidflow.cases.demo import DEMO_PDF, _filing, _stay, demo_id
    from aidflow.cases.selectors import open_task
    from aidflow.cases.services.documents import UploadedDocument
    from aidflow.cases.services.filing import application_file
    from aidflow.cases.services.tasks import task_complete
    from aidflow.notices.models import Notice

    users = {user.username: user for user in get_user_model().objects.select_related("staff")}
    clerk, reviewer, approver = users["clerk_beijie"], users["reviewer_shentou"], users["approver_lingcheng"]
    today = timezone.localdate().isoformat()
    rng = random.Random()  # noqa: S311 - synthetic data
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    def filed_and_approved():
        birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(30_000))
        id_number = demo_id("371403", birth, f"{rng.randrange(1000):03d}")
        stays = [_stay("德州市人民医院", 3, 40, 14, "52000.00", "30000.00", "5000.00", ("肺恶性肿瘤", "C34.9"))]
        documents = [
            UploadedDocument(kind, SimpleUploadedFile("scan.pdf", DEMO_PDF))
            for kind in ("id_card", "diagnosis", "settlement_bill")
        ]
        application = application_file(
            user=clerk, data=_filing("371403105201", "王秀英", id_number, "1200.00", 3, stays), documents=documents
        )
        for user, payload in (
            (clerk, {"decision": "forward", "findings": "材料齐全"}),
            (reviewer, {"decision": "forward", "visit_date": today, "visitors": "刘志强", "findings": "属实"}),
            (approver, {"decision": "approve"}),
        ):
            application = task_complete(user=user, task_id=open_task(application).pk, payload=payload)
        return application

    def deliver(application) -> None:
        payload = {"delivered_on": today, "method": "in_person", "recipient": "王秀英"}
        task_complete(user=reviewer, task_id=open_task(application).pk, payload=payload)

    # The approval's PDF is rendered by the worker process; an approved case is delivered once its
    # notice is printable, so the cases in flight at the end are not counted.
    waiting: list = []
    done, failed = 0, 0
    with mock.patch("aidflow.notices.services.render_schedule"), connection.execute_wrapper(count):
        queries[0] = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            try:
                waiting.append(filed_and_approved())
            except Exception:  # a random resident ID that is taken: counted, not fatal
                failed += 1
            ready = set(
                Notice.objects.filter(application__in=waiting, sha256__gt="").values_list("application_id", flat=True)
            )
            for application in [item for item in waiting if item.pk in ready]:
                deliver(application)
                waiting.remove(application)
                done += 1
        elapsed = time.perf_counter() - started
    return {
        "applications": done,
        "in_flight": len(waiting),
        "failed": failed,
        "seconds": elapsed,
        "queries": queries[0],
    }


def render_loop() -> None:
    """The PDF worker: render pending notices as they come, until killed."""
    from aidflow.notices.tasks import render_pending_notices

    while True:
        if not render_pending_notices(older_than_seconds=0):
            time.sleep(0.02)
