import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenxiao.settings")
application = get_wsgi_application()

# With no Celery broker the web process runs the timed rules itself (see fenxiao/core/sweeper.py).
from fenxiao.core.sweeper import start_in_process_sweeper  # noqa: E402

start_in_process_sweeper()
