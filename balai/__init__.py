"""Balai: an SPBE platform for Indonesian cities and regencies."""
