"""The shopper's cart: what they put aside to buy later. ``services`` writes lines, ``selectors``
reads them priced and checked against the catalogue as it is now; checkout takes the selected
lines from here."""
