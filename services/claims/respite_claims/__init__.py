"""respite_claims."""
