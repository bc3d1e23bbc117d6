"""Who belongs to whom (DESIGN §5): becoming a distributor (``enrolment``) and a shopper's binding
to the distributor whose share they opened (``binding``)."""
