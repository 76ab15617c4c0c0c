"""respite_consent."""
