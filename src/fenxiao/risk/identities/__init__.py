"""What ties a person to their accounts (phone, unionid, addresses, devices): written the same way
(``normalise``) and read for any number of users (``reader``). Both the fraud rules and the
blacklist stand on it."""
