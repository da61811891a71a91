"""API answers that never leave the API's JSON: an unknown path, and a server error."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # changes nothing; a POST to an unknown path is a JSON 404, not the CSRF page
@login_not_required
def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)


def server_error(request, *args, **kwargs):
    """A 500 is JSON on the API (without details: they are in the server log), a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error: the request was not completed.", "errors": {}}, status=500)
    return defaults.server_error(request, *args, **kwargs)
