"""Complaints (issue 19 §2): ``services`` are the shopper's and the operator's writes (file, reply,
resolve or reject), each audit-logged; ``selectors`` the reads (the shopper's own, the operator's
queue with its due time, counts per distributor for the distributor list)."""
