"""The JSON API under /api/v1, personal tokens, calendar feeds and data feeds."""
