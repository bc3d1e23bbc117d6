"""Orders' JSON API (django-ninja routers), mounted in ``fenxiao/api.py``: checkout and orders,
cart, parcel tracking and after-sales for shoppers; orders and after-sales for operators
(``operator_*``, staff only). Each router parses, authorises, calls one service or selector and
shapes the answer with ``schemas``."""
