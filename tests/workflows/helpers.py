"""Building blocks for procedure tests: a filing payload, test documents, driving stages over HTTP."""

import copy

from django.core.files.uploadedfile import SimpleUploadedFile

from aidflow.cases.models import Application
from aidflow.cases.selectors import open_task

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

FILING = {
    "applicant": {"name": "王秀英", "id_number": "11010519491231002X", "phone": "13800000000"},
    "category": "low_income",
    "aid_type": "major_disease",
    "patient": {"id_number": "11010519491231002X", "severely_disabled": False, "seriously_ill": True},
    "household": {
        "size": 3,
        "monthly_income": "1200.00",
        "residence": "rural",
        "members": [{"name": "王大山", "relation": "配偶", "monthly_income": "800.00"}],
    },
    "stays": [
        {
            "hospital": "德州市人民医院",
            "hospital_level": 3,
            "admission_date": "2026-01-05",
            "discharge_date": "2026-01-20",
            "total_cost": "60000.00",
            "eligible_cost": "52000.00",
            "basic_insurance": "30000.00",
            "serious_illness_insurance": "5000.00",
            "other_insurance": "0.00",
            "charity": "0.00",
            "referral": True,
            "referral_number": "ZZ-2026-001",
        }
    ],
}


def filing(region: str, **changes) -> dict:
    data = copy.deepcopy(FILING)
    data["region"] = region
    data.update(changes)
    return data


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def current_task(application: Application):
    return open_task(Application.objects.get(pk=application.pk))
