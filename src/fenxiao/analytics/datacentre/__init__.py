"""The operator's 数据中心 page in the admin: the period form, the figures shaped for display,
and everything the page's charts draw (``page``)."""
