"""respite_infra."""
