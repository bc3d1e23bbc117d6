"""The H5 storefront's views, one module per area. Each view parses the request, calls the same
services and selectors as the JSON API, and renders; rules live in the services."""
