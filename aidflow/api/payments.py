"""REST API for paying approved aid (INTERFACES section 9) and recording the payee (section 5)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aidflow.api import serializers as s
from aidflow.api.common import ERRORS, Pages, StaffOnly, json_object
from aidflow.core.downloads import attachment_bytes
from aidflow.core.payment import mask_account
from aidflow.payments.models import PaymentBatch, PaymentLine
from aidflow.payments.selectors import batch_get, batches_visible
from aidflow.payments.services.approval import batch_approve
from aidflow.payments.services.batching import batch_create
from aidflow.payments.services.exports import bank_file
from aidflow.payments.services.reads import batch_view
from aidflow.payments.services.results import results_record

CONFLICT = OpenApiResponse(s.ErrorSerializer, description="Nothing payable, or a line already has its result")


class LineSerializer(serializers.ModelSerializer):
    account = serializers.SerializerMethodField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = PaymentLine
        fields = ["id", "seq", "kind", "ref", "payee", "bank", "account", "amount", "status", "paid_on", "reason"]

    def get_account(self, line) -> str:
        """Masked: the full account is only in the bank file."""
        return mask_account(line.account)


class SkippedSerializer(serializers.Serializer):
    kind = serializers.CharField()
    ref = serializers.CharField()
    reason = serializers.CharField()


class BatchSerializer(serializers.ModelSerializer):
    total = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    lines = LineSerializer(many=True)
    skipped = SkippedSerializer(many=True)
    prepared_by = serializers.CharField(source="created_by.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PaymentBatch
        fields = [
            "id",
            "number",
            "county",
            "status",
            "total",
            "count",
            "lines",
            "skipped",
            "created_at",
            "prepared_by",
            "approved_by",
            "approved_at",
            "closed_at",
        ]


class BatchListSerializer(BatchSerializer):
    class Meta(BatchSerializer.Meta):
        fields = [
            "id",
            "number",
            "county",
            "status",
            "total",
            "count",
            "created_at",
            "prepared_by",
            "approved_by",
            "approved_at",
            "closed_at",
        ]


@extend_schema(tags=["payments"])
class BatchListApi(generics.ListAPIView):
    permission_classes = [StaffOnly]
    serializer_class = BatchListSerializer
    pagination_class = Pages

    def get_queryset(self):
        return batches_visible(self.request.user)

    @extend_schema(summary="Payment batches of the user's county (county finance, auditors)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Gather the county's approved, unpaid applications and claims into a batch (county finance)",
        request=inline_serializer("BatchRequest", {"county": serializers.CharField()}),
        responses={201: BatchSerializer, 409: CONFLICT, **ERRORS},
    )
    def post(self, request, *args, **kwargs):
        batch = batch_create(user=request.user, data=json_object(request))
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["payments"], responses={200: BatchSerializer, 404: ERRORS[404]})
class BatchDetailApi(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(summary="One payment batch with its lines (accounts masked) and what was skipped")
    def get(self, request, pk):
        return Response(BatchSerializer(batch_view(user=request.user, pk=pk)).data)


@extend_schema(
    tags=["payments"],
    summary="Approve a prepared batch: the second signature, by another person holding payments.approve_batch",
    request=None,
    responses={
        200: BatchSerializer,
        409: OpenApiResponse(s.ErrorSerializer, description="The batch does not wait for approval"),
        403: ERRORS[403],
        404: ERRORS[404],
    },
)
class BatchApproveApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        batch = batch_approve(user=request.user, batch=batch_get(request.user, pk))
        return Response(BatchSerializer(batch).data)


@extend_schema(
    tags=["payments"],
    summary="The bank's payment file (XLSX, full accounts; audited)",
    responses={
        (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
        403: ERRORS[403],
        404: ERRORS[404],
        409: OpenApiResponse(s.ErrorSerializer, description="The batch awaits its second signature"),
    },
)
class BatchExportApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request, pk):
        batch = batch_get(request.user, pk)
        return attachment_bytes(
            bank_file(user=request.user, batch=batch),
            filename=f"{batch.number}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


@extend_schema(
    tags=["payments"],
    summary="Record the bank's results per line, all or nothing (county finance)",
    request=inline_serializer(
        "ResultsRequest",
        {
            "results": inline_serializer(
                "LineResult",
                {
                    "line": serializers.IntegerField(help_text="the line's id"),
                    "status": serializers.ChoiceField(["paid", "failed"]),
                    "paid_on": serializers.DateField(required=False),
                    "reason": serializers.CharField(required=False),
                },
                many=True,
            )
        },
    ),
    responses={200: BatchSerializer, 409: CONFLICT, **ERRORS},
)
class BatchResultsApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        batch = results_record(user=request.user, batch=batch_get(request.user, pk), data=json_object(request))
        return Response(BatchSerializer(batch).data)
