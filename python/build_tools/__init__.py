"""Build-time helpers of the Python package (not installed)."""
