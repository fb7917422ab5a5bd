"""The bare-Django baseline: one view that inserts one row into a one-column table (bench only)."""
