"""Citizen reports (Balapor): intake, tracking, the public record and the report lifecycle."""
