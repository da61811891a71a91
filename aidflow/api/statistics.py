"""REST API for the monthly ledger (INTERFACES section 10)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aidflow.api.common import ERRORS, StaffOnly, json_object
from aidflow.core.downloads import attachment_bytes
from aidflow.core.errors import InputErrors, NotFound
from aidflow.core.fields import money_text
from aidflow.recoveries.selectors import recoveries_month
from aidflow.reports.city_review import city_month, month_review
from aidflow.reports.estimate import annual_estimate, estimate_params
from aidflow.reports.ledger import ledger_params, month_submit, month_submitted
from aidflow.reports.statistics import month_bounds, monthly_figures
from aidflow.reports.workbook import estimate_workbook, monthly_workbook
from aidflow.subsidies.services import premium_month

PARAMETERS = [
    OpenApiParameter("region", str, required=True, description="a county or city code"),
    OpenApiParameter("month", str, required=True, description="YYYY-MM"),
]
FIGURES = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="{region, month, totals, by_township|by_county, by_category, by_aid_type, by_route, "
    "by_hospital_level, by_disease_chapter, checks, recoveries {owed, repaid, offset, written_off, outstanding}, "
    "premium_subsidies {rosters, persons, amount, paid}}; "
    "submitted months add submitted {signed_by, signed_at, sha256}",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _figures(request) -> tuple[dict, object]:
    params = request.query_params
    region, year, month = ledger_params(user=request.user, region=params.get("region"), month=params.get("month"))
    report = month_submitted(region, year, month)
    if params.get("submitted") in ("true", "1"):
        if report is None:
            raise NotFound("This month has not been submitted.")
        return report.figures, report
    return monthly_figures(region=region, year=year, month=month), report


def _submission(report) -> dict | None:
    if report is None:
        return None
    signer = report.signed_by.get_full_name() or report.signed_by.get_username()
    return {"signed_by": signer, "signed_at": report.signed_at.isoformat(), "sha256": report.sha256}


@extend_schema(
    tags=["statistics"],
    summary="A month's figures with their logic checks (live, or as submitted with ?submitted=true)",
    parameters=[*PARAMETERS, OpenApiParameter("submitted", bool, description="the frozen figures")],
    responses={200: FIGURES, **ERRORS},
)
class MonthlyStatisticsApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request):
        figures, report = _figures(request)
        year, month = (int(part) for part in figures["month"].split("-"))
        first, last = month_bounds(year, month)
        # Recoveries are not part of the frozen figures: always as they stand now.
        recovered = recoveries_month(region=figures["region"], first=first, last=last)
        return Response(
            {
                **figures,
                "recoveries": {name: money_text(value) for name, value in recovered.items()},
                # Premium subsidies (资助参保): rosters confirmed and money paid in the month, live.
                "premium_subsidies": premium_month(region=figures["region"], first=first, last=last),
                "submitted": _submission(report),
            }
        )


@extend_schema(
    tags=["statistics"],
    summary="The same month as a workbook (one sheet per breakdown, totals rows)",
    parameters=[*PARAMETERS, OpenApiParameter("submitted", bool)],
    responses={(200, XLSX): OpenApiTypes.BINARY, **ERRORS},
)
class MonthlyWorkbookApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request):
        figures, report = _figures(request)
        submission = _submission(report) if request.query_params.get("submitted") in ("true", "1") else None
        signed = (
            {"signer": submission["signed_by"], "signed_at": submission["signed_at"], "sha256": submission["sha256"]}
            if submission
            else {}
        )
        data = monthly_workbook(figures, **signed)
        return attachment_bytes(data, filename=f"月报-{figures['region']}-{figures['month']}.xlsx", content_type=XLSX)


@extend_schema(
    tags=["statistics"],
    summary="Submit (freeze) a county's month (county approver)",
    request=inline_serializer("SubmitRequest", {"region": serializers.CharField(), "month": serializers.CharField()}),
    responses={
        201: FIGURES,
        409: OpenApiResponse(description="Already submitted"),
        **ERRORS,
    },
)
class MonthlySubmitApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request):
        report = month_submit(user=request.user, data=json_object(request))
        return Response({**report.figures, "submitted": _submission(report)}, status=status.HTTP_201_CREATED)


class MonthReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    region = serializers.CharField(source="report.region")
    month = serializers.CharField(source="report.month")
    decision = serializers.ChoiceField(choices=["accept", "return"])
    reasons = serializers.CharField()
    reviewed_by = serializers.CharField(source="reviewed_by.username")
    reviewed_at = serializers.DateTimeField()
    sha256 = serializers.CharField(help_text="the signature reviewed")
    signed_by = serializers.CharField(source="signed_by.username")
    signed_at = serializers.DateTimeField()


@extend_schema(
    tags=["statistics"],
    summary="Accept or return a county's signed-off month (the city's reviewer); a returned month is "
    "signed again by the county through statistics/monthly/submit/, the earlier signature kept",
    request=inline_serializer(
        "MonthReviewRequest",
        {
            "region": serializers.CharField(help_text="the county"),
            "month": serializers.CharField(help_text="YYYY-MM"),
            "decision": serializers.ChoiceField(choices=["accept", "return"]),
            "reasons": serializers.CharField(required=False, help_text="required to return"),
        },
    ),
    responses={201: MonthReviewSerializer, 409: OpenApiResponse(description="Not signed off, or reviewed"), **ERRORS},
)
class MonthReviewApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request):
        review = month_review(user=request.user, data=json_object(request))
        return Response(MonthReviewSerializer(review).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["statistics"],
    summary="The city's month: each county's state and the sum of the accepted counties' frozen figures",
    parameters=[OpenApiParameter("region", required=True), OpenApiParameter("month", required=True)],
    responses={200: OpenApiTypes.OBJECT, **ERRORS},
)
class CityMonthApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request):
        region, month = request.query_params.get("region", ""), request.query_params.get("month", "")
        if len(region) != 4 or not region.isdigit():
            raise InputErrors({"region": [_("A city's code has 4 digits.")]})
        if len(month) != 7 or month[4] != "-":
            raise InputErrors({"month": [_("A month is written YYYY-MM.")]})
        result = city_month(user=request.user, city=region, month=month)
        return Response(
            {
                "region": region,
                "month": month,
                "counties": [
                    {
                        "county": row["county"].code,
                        "name": row["county"].name,
                        "state": row["state"],
                        "sha256": row["report"].sha256 if row["report"] else None,
                        "reasons": row["review"].reasons if row["review"] else "",
                    }
                    for row in result["counties"]
                ],
                "accepted": result["accepted"],
                "missing": result["missing"],
                "totals": result["totals"],
            }
        )


ESTIMATE_PARAMETERS = [
    OpenApiParameter("region", str, required=True, description="a county or city code"),
    OpenApiParameter("year", str, description="the base year YYYY (this year when left out); the estimate is the next"),
]


@extend_schema(
    tags=["statistics"],
    summary="Next year's fund-needs estimate of a county or city from a base year's rolls and aid",
    parameters=ESTIMATE_PARAMETERS,
    responses={
        200: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="{region, year, estimate_year, reference_date, formula {roll, aid, growth}, categories "
            "[{category, basis: roll|aid, on_roll, on_roll_previous, on_roll_reference, aided, prevalence, aid, "
            "aid_previous, average_aid, average_aid_previous, growth, growth_assumed_zero, estimate}], aid_types "
            "[{aid_type, persons, aid, average_aid, persons_previous, aid_previous, average_aid_previous, growth}], "
            "totals {on_roll, on_roll_reference, aided, aid, aid_previous, estimate}}",
        ),
        **ERRORS,
    },
)
class AnnualEstimateApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request):
        params = request.query_params
        region, year = estimate_params(user=request.user, region=params.get("region"), year=params.get("year"))
        return Response(annual_estimate(region=region, year=year))


@extend_schema(
    tags=["statistics"],
    summary="The same estimate as a workbook",
    parameters=ESTIMATE_PARAMETERS,
    responses={(200, XLSX): OpenApiTypes.BINARY, **ERRORS},
)
class AnnualEstimateWorkbookApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request):
        params = request.query_params
        region, year = estimate_params(user=request.user, region=params.get("region"), year=params.get("year"))
        estimate = annual_estimate(region=region, year=year)
        name = f"资金需求估算-{region}-{estimate['estimate_year']}.xlsx"
        return attachment_bytes(estimate_workbook(estimate), filename=name, content_type=XLSX)
