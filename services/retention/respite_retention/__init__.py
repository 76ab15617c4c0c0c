"""respite_retention."""
