"""The parts of the distribution bench (``bench/distribution_bench.py``, which runs them):

* ``shop``: the catalogue SKU and shoppers both measurements use;
* ``query_timer``: SQL and COMMIT time per kind of statement, through a Django execute wrapper;
* ``payments``: (a) a payment notification with and without commission;
* ``settlement``: (b) settling a backlog of matured commission in bulk."""
