"""The parts of ``analytics_bench.py``, one idea per module:

* ``days``: the two years of local days, orders per day (growth, weekly rhythm, festivals)
  and the hour of day an order is paid;
* ``people``: users, distributors with their tiers and parents, who refers whom;
* ``loader``: the shop written with PostgreSQL COPY (orders, lines, referral snapshots,
  commission, payments and refunds, invites);
* ``timing``: the rollup rebuild and the latency of the data centre's reads, with their floor;
* ``checks``: the rebuilt days proven equal and one period recomputed from the raw orders."""
