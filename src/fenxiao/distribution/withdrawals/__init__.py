"""Withdrawals (DESIGN §5), one way down: asking (``requests``) and the operator's decisions
(``review``) hand WeChat withdrawals to ``payouts``; all of them end a withdrawal through
``outcomes`` (paid, or the money returned), which imports none of them."""
