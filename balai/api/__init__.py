"""Interoperability: Open311 GeoReport v2, Balai's JSON API for apps, API clients and safe retries."""
