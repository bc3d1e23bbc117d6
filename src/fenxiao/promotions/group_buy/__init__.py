"""拼团 (group-buy): activities and their operator services, groups forming, filling and failing,
the views shoppers read, and the checkout pricing provider that grants the group price."""
