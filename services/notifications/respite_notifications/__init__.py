"""respite_notifications."""
