"""Distribution's JSON faces (DESIGN §2 "faces"): the distributor centre's reads (``centre``) and
writes with WeChat's transfer notify URL (``actions``) on one router, the shop pages (``shop``)
and the operator's API (``operator``), with their request and answer shapes (``schemas``,
``centre_schemas``). Each endpoint parses, authorises, calls one service and shapes the answer;
nothing below the faces imports this package."""
