"""Revocation and recovery over the API (INTERFACES section 13): the county approver revokes an
approval or a settlement; the county's finance officers list recoveries and record repayments and
write-offs, which the approver signs off. Payees' names are masked here (the case page shows them)."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aidflow.api.common import ERRORS, Pages, StaffOnly, json_object
from aidflow.api.serializers import ErrorSerializer, MoneyField
from aidflow.core.identity import mask_name
from aidflow.recoveries.models import DebtorKind, Recovery, RecoveryEntry, RecoveryStatus, Revocation
from aidflow.recoveries.selectors import recoveries_visible, recovery_get
from aidflow.recoveries.services.entries import entry_record, write_off_decide
from aidflow.recoveries.services.revoke import application_revoke, settlement_revoke

CONFLICT = {409: ErrorSerializer}


class RevocationNoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    verification_code = serializers.CharField()
    sha256 = serializers.CharField(help_text="empty until the PDF is rendered")


class RecoveryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(help_text="repayment | offset | write_off")
    status = serializers.CharField(help_text="proposed (a write-off awaiting sign-off) | recorded | refused")
    amount = MoneyField()
    day = serializers.DateField()
    note = serializers.CharField()
    claim = serializers.CharField(source="claim.number", allow_null=True, default=None)
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)


class RecoverySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    reference = serializers.CharField(source="revocation.reference", help_text="the revoked case or settlement")
    revocation_notice = serializers.CharField(source="revocation.notice.number")
    county = serializers.CharField()
    debtor_kind = serializers.ChoiceField(choices=["payee", "hospital"])
    debtor = serializers.SerializerMethodField(help_text="a payee's name masked; a hospital's name")
    amount = MoneyField()
    repaid = MoneyField()
    offset = MoneyField()
    written_off = MoneyField()
    outstanding = MoneyField()
    status = serializers.CharField(help_text="open | settled")
    created_at = serializers.DateTimeField()
    settled_on = serializers.DateField(allow_null=True)
    entries = RecoveryEntrySerializer(many=True)

    def get_debtor(self, recovery) -> str:
        return mask_name(recovery.debtor) if recovery.debtor_kind == DebtorKind.PAYEE else recovery.debtor


class RevocationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(help_text="application | settlement")
    reference = serializers.CharField()
    reasons = serializers.CharField()
    facts = serializers.CharField()
    amount = MoneyField(help_text="the aid revoked")
    paid = MoneyField(help_text="what had been paid out: owed back")
    revoked_at = serializers.DateTimeField()
    notice = RevocationNoticeSerializer()
    recovery = serializers.SerializerMethodField()

    def get_recovery(self, revocation) -> dict | None:
        recovery = Recovery.objects.filter(revocation=revocation).first()
        return RecoverySerializer(recovery).data if recovery else None


class RevokeRequestSerializer(serializers.Serializer):
    reasons = serializers.CharField()
    facts = serializers.CharField()


class EntryRequestSerializer(serializers.Serializer):
    recovery = serializers.IntegerField()
    kind = serializers.CharField(help_text="repayment | write_off")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    day = serializers.DateField(required=False, help_text="default today")
    note = serializers.CharField(required=False, help_text="required for a write-off: why")


class WriteOffDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "refuse"])


def _answer(revocation: Revocation) -> Response:
    revocation = Revocation.objects.select_related("notice").get(pk=revocation.pk)
    return Response(RevocationSerializer(revocation).data)


REVOKE = {
    "request": RevokeRequestSerializer,
    "responses": {200: RevocationSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404], **CONFLICT},
}


@extend_schema(
    tags=["revocations"],
    summary="Revoke an approved application's decision (county approver): a revocation notice, and a "
    "recovery owed by the payee when the aid was paid; 409 when already revoked or waiting at the bank",
    **REVOKE,
)
class ApplicationRevokeApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        return _answer(application_revoke(user=request.user, pk=pk, data=json_object(request)))


@extend_schema(
    tags=["revocations"],
    summary="Revoke a one-stop settlement approved in a claim (county approver): a revocation notice and a "
    "recovery owed by the hospital, offset against its next claim or repaid",
    **REVOKE,
)
class SettlementRevokeApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        return _answer(settlement_revoke(user=request.user, pk=pk, data=json_object(request)))


def _with_entries(queryset):
    entries = RecoveryEntry.objects.select_related("claim", "recorded_by", "decided_by").order_by("recorded_at", "pk")
    return queryset.prefetch_related(Prefetch("entries", queryset=entries))


@extend_schema(tags=["recoveries"])
class RecoveryListApi(generics.ListAPIView):
    permission_classes = [StaffOnly]
    serializer_class = RecoverySerializer
    pagination_class = Pages

    def get_queryset(self):
        queryset = _with_entries(recoveries_visible(self.request.user))
        status = self.request.query_params.get("status", "")
        return queryset.filter(status=status) if status in RecoveryStatus.values else queryset

    @extend_schema(
        summary="Recoveries of the user's counties (finance officers, the approver, auditors)",
        parameters=[OpenApiParameter("status", enum=RecoveryStatus.values, required=False)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Record a repayment (counted at once, never more than owed) or propose a write-off "
        "(signed off by the county approver) - county finance officer",
        request=EntryRequestSerializer,
        responses={201: RecoverySerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404], **CONFLICT},
    )
    def post(self, request, *args, **kwargs):
        entry = entry_record(user=request.user, data=json_object(request))
        recovery = _with_entries(Recovery.objects.select_related("revocation__notice")).get(pk=entry.recovery_id)
        return Response(RecoverySerializer(recovery).data, status=201)


@extend_schema(
    tags=["recoveries"],
    summary="One recovery with its repayments, offsets and write-offs",
    responses={200: RecoverySerializer, 404: ERRORS[404]},
)
class RecoveryDetailApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request, pk):
        recovery = recovery_get(user=request.user, pk=pk)
        recovery = _with_entries(Recovery.objects.select_related("revocation__notice")).get(pk=recovery.pk)
        return Response(RecoverySerializer(recovery).data)


@extend_schema(
    tags=["recoveries"],
    summary="Approve or refuse the proposed write-off (county approver; never the person who proposed it)",
    request=WriteOffDecisionSerializer,
    responses={200: RecoverySerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404], **CONFLICT},
)
class WriteOffDecisionApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        write_off_decide(user=request.user, pk=pk, data=json_object(request))
        recovery = _with_entries(Recovery.objects.select_related("revocation__notice")).get(pk=pk)
        return Response(RecoverySerializer(recovery).data)
