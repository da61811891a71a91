"""What every API view shares: who may call, how errors are documented, pages, JSON bodies."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated

from aidflow.api import serializers as s
from aidflow.core.errors import InputErrors
from aidflow.core.paging import EstimatedCountPaginator
from aidflow.regions.scope import role_of

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Invalid input: a message per field"),
    403: OpenApiResponse(s.ErrorSerializer, description="The role may never take this action"),
    404: OpenApiResponse(s.ErrorSerializer, description="Not found, or outside the user's scope"),
}
THROTTLED = OpenApiResponse(s.ErrorSerializer, description="Too many requests (or failed sign-ins): wait and retry")


class StaffOnly(IsAuthenticated):
    """Any signed-in staff member (a user with a role)."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and role_of(request.user) is not None


class Pages(PageNumberPagination):
    """50 a page; `count` is exact up to 10,000 rows and the planner's estimate beyond (PostgreSQL)."""

    django_paginator_class = EstimatedCountPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def json_object(request) -> dict:
    """The request body as a dict, or a 400 naming the body."""
    if not isinstance(request.data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    return dict(request.data)
