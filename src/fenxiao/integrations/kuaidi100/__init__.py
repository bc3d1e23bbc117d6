"""快递100 (Kuaidi100): real-time parcel query, the subscription (poll) request and its push
callback. Knows nothing of the mall: it speaks the provider's carrier codes and state numbers, and
the orders app maps its own carriers and statuses onto them."""
