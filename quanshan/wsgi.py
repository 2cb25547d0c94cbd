import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanshan.settings")
application = get_wsgi_application()

from apps.common.pii import require_keyring  # noqa: E402  (needs the settings loaded above)

# Without its keys the application could neither read nor store residents' personal data:
# refuse to start (gunicorn, runserver) instead of failing at a resident's first request.
require_keyring()
