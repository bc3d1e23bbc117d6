"""Plumbing the bench scripts share (``http_bench.py``, ``cold_lists_bench.py``, ``orders_bench.py``,
``seckill/run.py``, ``distribution_bench.py``), one idea per module:

* ``base``: paths, the one host ever loaded, ``BenchError``, figure formatting, the exit statuses;
* ``database``: the bench's own PostgreSQL database, migrate, Django in the bench process;
* ``data``: seeding the catalogue, request paths, shoppers' default addresses;
* ``server``: gunicorn or granian under load, started and stopped;
* ``cpu``: CPU time per request from /proc;
* ``dbstats``: table scans per request from ``pg_stat_user_tables``;
* ``loaders``: wrk (``paths.lua``) and the fallback Python loader for GET requests;
* ``floors``: the bare app and the no-op view every HTTP figure is compared with;
* ``sweeps``: the maintenance sweeps run beside a bench's server, and their options;
* ``options``: the options of the benches that load GET paths (``http_bench``, ``cold_lists_bench``);
* ``wsgi``: one request as a WSGI server hands it over, for the in-process cost scripts.

The scripts run with ``bench/`` on ``sys.path`` (Python puts a script's folder first), so they
import ``common.<module>``."""
