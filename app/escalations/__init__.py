"""The overdue escalation ladder: the daily sweep, director decisions, pages."""
