"""What an operator watches a running mall by (issue 21): Prometheus figures (``metrics``,
``endpoint``, ``request_metrics``), a request id carried from nginx through the logs into Celery
tasks (``request_id``, ``logs``, ``task_signals``), optional Sentry (``sentry``), and the gunicorn
hooks that multiprocess metrics need (``gunicorn_hooks``).

Nothing here reads the database: a request pays one histogram observation and a context variable."""
