"""The distributor centre (DESIGN §5 "distributor tools"): what I hold, my team and customers
(``selectors``), orders and commission through me (``earnings``), rankings and tier progress
(``standing``), my shop (``shop``), and what I share (``sharing``, drawn by ``poster`` and kept by
``poster_cache``). Every read starts from the caller's own distributor."""
