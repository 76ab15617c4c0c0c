"""respite_core."""
