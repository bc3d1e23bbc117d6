"""Plumbing the bench scripts share (``http_bench.py``, ``orders_bench.py``, ``seckill/run.py``,
``distribution_bench.py``), one idea per module:

* ``base``: paths, the one host ever loaded, ``BenchError``, figure formatting, the exit statuses;
* ``database``: the bench's own PostgreSQL database, migrate, Django in the bench process;
* ``data``: seeding the catalogue, request paths, shoppers' default addresses;
* ``server``: gunicorn or granian under load, started and stopped;
* ``cpu``: CPU time per request from /proc;
* ``loaders``: wrk (``paths.lua``) and the fallback Python loader for GET requests.

The scripts run with ``bench/`` on ``sys.path`` (Python puts a script's folder first), so they
import ``common.<module>``."""
