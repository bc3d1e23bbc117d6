"""A distributor's insights (DESIGN §5 "distributor tools": what sells, when to share, who buys):
share opens counted as they happen (``opens``), and reads over the distributor's own attributed
orders in a window of local days (``window``): products (``products``), hours, weekdays and
customers (``audience``), the funnel from open to repeat order (``funnel``), put together by
``report``. Aggregates only: no customer is ever named."""
