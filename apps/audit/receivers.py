"""Sign-in events, which Django and django-axes announce only as signals, into the audit log."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from apps.audit.models import Action, AuditEntry
from apps.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _signed_in(sender, request, user, **kwargs) -> None:
    audit_record(action=Action.SIGN_IN, request=request, user=user, target=user.get_username())


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def _signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(action=Action.SIGN_OUT, request=request, user=user, target=user.get_username())


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or "")
    audit_record(
        action=Action.SIGN_IN_FAILED,
        request=request,
        username=username,
        target=username,
        data={"locked": True} if getattr(request, "axes_locked_out", False) else {},
    )


@receiver(user_locked_out, dispatch_uid="audit_lock")
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    # django-axes announces the lock again at each refused try while it lasts; log it once.
    username = username or ""
    recent = AuditEntry.objects.filter(
        action__in=[Action.LOCK, Action.UNLOCK],
        target=username,
        data__ip_address=ip_address,
        at__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    )
    if recent.order_by("-at", "-pk").values_list("action", flat=True).first() == Action.LOCK:
        return
    audit_record(
        action=Action.LOCK, request=request, username=username, target=username, data={"ip_address": ip_address}
    )
