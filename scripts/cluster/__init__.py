"""The cluster test's orchestrator (``make cluster-test``): the production topology of DESIGN §8 on
one machine — a PostgreSQL primary and its streaming replica, two gunicorn nodes behind nginx, a
Celery worker and beat on RabbitMQ, Redis — then the checks of ``tests/cluster`` against it, and
everything torn down whatever happens."""
