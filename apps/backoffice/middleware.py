"""Notes when an official last changed something, so that 今日待办 shows their own step at once
while other officials' steps may lag by WORKBENCH_STALE_SECONDS (apps.backoffice.workbench)."""

from __future__ import annotations

import time

from apps.backoffice.workbench import WROTE_AT


class OfficialWritesMiddleware:
    """Notes in the session when a signed-in official's POST succeeded (a step, a save, an
    import), so that their 今日待办 counts include it (`_scope_counts`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.method == "POST"
            and response.status_code < 400
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and hasattr(request, "session")
        ):
            request.session[WROTE_AT] = time.time()
        return response
