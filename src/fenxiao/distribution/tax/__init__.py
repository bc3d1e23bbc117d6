"""The quarterly tax report the platform files under 国务院令第810号 (issue 19 §5): its own details
(``platform``), per distributor and quarter their identity and income from the ledger
(``report``), written as CSV or XLSX (``files``); the distributor's own yearly statement
(``statement``). Periods are local calendar quarters of the shop (``quarters``)."""
