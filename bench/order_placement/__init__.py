"""The parts of the order placement bench (``bench/orders_bench.py``, which runs them), one idea per
module:

* ``fixtures``: the bench shoppers with tokens and addresses, the spread and hot SKUs' stock;
* ``load``: the scenarios under wrk (``orders.lua``) and under the open-loop generator, one
  CPU-accounted and verified segment at a time;
* ``open_loop``: the open-loop generator itself (a child process, wrk2-style);
* ``integrity``: what the database says each segment did, against the answers;
* ``report``: medians over the rounds and the printed lines and table."""
