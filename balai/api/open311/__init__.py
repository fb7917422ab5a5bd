"""The Open311 GeoReport v2 server: Balai's report categories as services and its reports as service requests."""
