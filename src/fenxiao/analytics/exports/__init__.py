"""Exports (issue #18): orders, order lines, commission records, withdrawals, ledger legs and
distributors as CSV or XLSX, with the filters of their admin lists, streamed row by row so memory
stays flat at any size. Big ones run in the background (``ExportJob``) with progress and a
download link; every export is audit-logged.

``kinds`` declares what each export holds, ``filters`` turns request parameters into a queryset
filter, ``writers`` turns rows into bytes, ``services`` decides sync or background and audits,
``api`` and ``admin`` are the two faces."""
