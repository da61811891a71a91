"""Make the client's address available to audit events written while serving a request."""

from aidflow.audit.services import client_address


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(request.META.get("REMOTE_ADDR", "")[:45])
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
