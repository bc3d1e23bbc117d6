"""Withdrawals (DESIGN §5): a distributor's request for their available balance, its review, and
the payout by WeChat merchant transfer or by bank."""
