"""Fraud signals over the referral network (issue 19 §1): distribution knows chains and bindings,
so it gathers the facts here and asks ``risk.cases.rules`` to judge; what it finds becomes a risk
case that holds the commission involved (``decisions`` carries out the operator's verdict)."""
