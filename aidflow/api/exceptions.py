"""Errors as the contract writes them: {"detail": ..., "errors": {...}} with the right status."""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NoAidDue, NotFound, TaskNotOpen


class ConflictApi(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def api_exception_handler(error, context):
    if isinstance(error, RequestDataTooBig):
        error = PayloadTooLarge()
    if isinstance(error, InputErrors):
        return Response({"detail": _("Invalid input."), "errors": error.errors}, status=400)
    if isinstance(error, Conflict):
        return Response(
            {"detail": _("This conflicts with what is already recorded."), "errors": error.errors}, status=409
        )
    if isinstance(error, NoAidDue):
        body = {"detail": error.detail, "reasons": error.reasons}
        if error.result is not None:
            body["calculation"] = error.result
        return Response(body, status=422)
    if isinstance(error, ActionForbidden):
        error = exceptions.PermissionDenied(str(error))
    elif isinstance(error, (NotFound, Http404)):
        error = exceptions.NotFound(str(error) or _("Not found."))
    elif isinstance(error, TaskNotOpen):
        error = ConflictApi(str(error))
    response = exception_handler(error, context)
    if response is None:
        return None
    if isinstance(error, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"body": response.data}
        response.data = {"detail": _("Invalid input."), "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"]), "errors": {}}
    return response
