"""After-sales (DESIGN §4): a buyer asks for money, and maybe goods, back for some units of some
lines; the platform audits; the money goes back through payments.

``buyer_steps`` (ask, cancel, send the goods back) and ``review`` (the platform's approve, reject,
receive, retry) are the use cases; ``trail`` is what every step writes; ``rules`` are the pure money
rules; ``refunds`` is orders' side of every refund (after-sales, a voided order, refused money);
``selectors`` are the reads."""
