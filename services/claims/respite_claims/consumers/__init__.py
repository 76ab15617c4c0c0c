"""Queue consumers and scheduled jobs of the claims service: plain Lambda handlers using Powertools."""
