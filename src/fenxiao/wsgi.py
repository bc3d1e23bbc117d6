import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenxiao.settings")
django_application = get_wsgi_application()

# A flash sale's refusals are answered from the token and the Redis gate before Django's request
# cycle; every other request, and every shopper the gate lets through, goes to Django.
from fenxiao.promotions.api.seckill_lane import SeckillLane  # noqa: E402

application = SeckillLane(django_application)

# gunicorn and other WSGI servers run no system checks: refuse a forgotten sandbox here too.
from fenxiao.integrations.wechat.sandbox_guard import refuse_unsafe_sandbox  # noqa: E402

refuse_unsafe_sandbox()

# With no Celery broker the web process runs the timed rules itself (see fenxiao/core/sweeper.py).
from fenxiao.core.sweeper import start_in_process_sweeper  # noqa: E402

start_in_process_sweeper()
