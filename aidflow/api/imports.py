"""Imports with a preview over the API (INTERFACES section 14): upload a roll, the hospital register
or a policy; read its rows' outcomes; confirm or discard; resolve a roll held between counties."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from aidflow.api.common import ERRORS, StaffOnly, json_object
from aidflow.api.serializers import ErrorSerializer
from aidflow.core.identity import mask_name, mask_resident_id
from aidflow.imports.models import ImportKind
from aidflow.imports.services import import_discard, import_get
from aidflow.imports.tasks import import_confirm_request, import_request
from aidflow.rolls.conflicts import conflict_resolve, conflicts_of
from aidflow.rolls.importing import OUTCOMES

CONFLICT = {409: ErrorSerializer}


class ImportSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(help_text="recipients | hospitals | policy")
    status = serializers.CharField(help_text="queued | reading | preview | confirming | confirmed | discarded | failed")
    file = serializers.CharField(source="filename")
    sha256 = serializers.CharField()
    county = serializers.CharField()
    rows_total = serializers.IntegerField()
    rows_done = serializers.IntegerField()
    rows = serializers.SerializerMethodField(help_text="{added, unchanged, updated, closed, moved, conflicts, errors}")
    errors = serializers.ListField(child=serializers.DictField(), help_text="[{row, column, message}], the first 1,000")
    left_every_roll = serializers.SerializerMethodField(
        help_text="masked ID numbers of persons the file takes off every roll"
    )
    simulation = serializers.JSONField(allow_null=True, help_text="a policy's simulation over the last 12 months")
    message = serializers.CharField()
    result = serializers.DictField(help_text="{created, updated, held} once confirmed")

    def get_rows(self, data_import) -> dict:
        return {name: data_import.counts.get(name, 0) for name in OUTCOMES}

    def get_left_every_roll(self, data_import) -> list[str]:
        return [mask_resident_id(number) for number in data_import.left]


@extend_schema(
    tags=["imports"],
    summary="Upload a file for its preview: every row's outcome (read in the background for a large file)",
    request={
        "multipart/form-data": inline_serializer(
            "ImportUpload",
            {"kind": serializers.ChoiceField(choices=ImportKind.values), "file": serializers.FileField()},
        )
    },
    responses={201: ImportSerializer, **ERRORS},
)
class ImportListApi(APIView):
    permission_classes = [StaffOnly]
    parser_classes = [MultiPartParser]

    def post(self, request):
        data_import = import_request(user=request.user, kind=request.data.get("kind"), upload=request.FILES.get("file"))
        data_import.refresh_from_db()
        return Response(ImportSerializer(data_import).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["imports"], summary="An import's state, progress and outcomes", responses={200: ImportSerializer, **ERRORS}
)
class ImportDetailApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request, pk):
        return Response(ImportSerializer(import_get(user=request.user, pk=pk)).data)


@extend_schema(
    tags=["imports"],
    summary="Confirm a preview without errors: the rows are written (in the background for a large file)",
    request=None,
    responses={200: ImportSerializer, **CONFLICT, **ERRORS},
)
class ImportConfirmApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        data_import = import_confirm_request(user=request.user, pk=pk)
        data_import.refresh_from_db()
        return Response(ImportSerializer(data_import).data)


@extend_schema(
    tags=["imports"],
    summary="Discard a preview",
    request=None,
    responses={200: ImportSerializer, **CONFLICT, **ERRORS},
)
class ImportDiscardApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        return Response(ImportSerializer(import_discard(user=request.user, pk=pk)).data)


class RollConflictSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    id_number = serializers.SerializerMethodField(help_text="masked")
    name = serializers.SerializerMethodField(help_text="masked")
    category = serializers.CharField()
    region = serializers.CharField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    county = serializers.CharField(help_text="the importing county, whose row is held")
    other_county = serializers.CharField(help_text="the county whose roll holds the person")
    status = serializers.CharField(help_text="open | released | applied | withdrawn")
    import_id = serializers.IntegerField(source="import_number", allow_null=True)

    def get_id_number(self, conflict) -> str:
        return mask_resident_id(conflict.id_number)

    def get_name(self, conflict) -> str:
        return mask_name(conflict.name)


@extend_schema(
    tags=["imports"],
    summary="Open conflicts between the rolls of two counties, either side in your scope",
    responses={200: RollConflictSerializer(many=True), **ERRORS},
)
class RollConflictListApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request):
        return Response(RollConflictSerializer(conflicts_of(request.user)[:500], many=True).data)


@extend_schema(
    tags=["imports"],
    summary="Resolve a conflict: release (the county holding the person), apply or withdraw (the importing county)",
    request=inline_serializer(
        "RollConflictResolve",
        {
            "action": serializers.ChoiceField(choices=["release", "apply", "withdraw"]),
            "note": serializers.CharField(required=False),
        },
    ),
    responses={200: RollConflictSerializer, **CONFLICT, **ERRORS},
)
class RollConflictResolveApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        conflict = conflict_resolve(user=request.user, pk=pk, data=json_object(request))
        return Response(RollConflictSerializer(conflict).data, status=status.HTTP_200_OK)
