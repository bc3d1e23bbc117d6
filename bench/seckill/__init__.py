"""The parts of the seckill bench (``bench/seckill/run.py``, which runs them):

* ``fixtures``: one SKU, the buyers with tokens and addresses, a fresh activity per run;
* ``load``: the crowd under wrk (``seckill.lua``) and the preflight;
* ``checks``: the database and Redis after the sale, and Redis's own ceiling (redis-benchmark)."""
