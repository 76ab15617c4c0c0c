"""Queue and stream consumers: plain Lambda handlers using Powertools."""
