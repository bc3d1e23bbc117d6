"""What the API (and the H5 storefront, which renders the same dicts) sends and receives, one module
per router area. Amounts are integer fen."""
