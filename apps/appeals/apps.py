from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "apps.appeals"
    label = "appeals"
    verbose_name = "群众诉求"

    def ready(self) -> None:
        from apps.appeals.models import Appeal, AppealCoAssignment
        from apps.common.cache import OFFICE, REQUESTS, invalidate_on_change

        # Public pages show published requests only: a request nobody may see (a new submission,
        # the steps of an unpublished one) leaves them cached. Events, photos, history rows and
        # tracking counters are written beside their request, so they are not connected.
        invalidate_on_change((REQUESTS,), Appeal, when=Appeal.residents_may_have_seen)
        invalidate_on_change((REQUESTS,), Appeal.projects.through)
        # The officials' 今日待办 counts follow every request, seen by residents or not.
        invalidate_on_change((OFFICE,), Appeal, AppealCoAssignment)
