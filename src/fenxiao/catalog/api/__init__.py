"""The catalogue's HTTP face: the shoppers' routes (``shopper``), the operators' (``operator``)
and the schemas both answer with."""
