"""Balai's JSON API for apps, version 1 (django-ninja), mounted at /api/v1/."""
