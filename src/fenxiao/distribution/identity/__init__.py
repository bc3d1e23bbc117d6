"""A distributor's real name and resident ID number (issue 19 §3, DESIGN §7): checked against
GB 11643 (``idcard``), stored encrypted with keys from the environment (``vault``), shown masked,
read in full only by staff holding ``distribution.reveal_identity`` with every read audit-logged
(``services``), and asked for before cumulative withdrawals pass the operator's threshold
(``gate``)."""
