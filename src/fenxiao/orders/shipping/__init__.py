"""Shipping: what it costs (fee templates, read by checkout), sending a paid order's units in one
parcel or several (``shipments``), telling WeChat what shipped (``wechat_upload``, required for
mini-program payments), and where a parcel is now (``tracking``)."""
