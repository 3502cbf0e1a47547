"""Bringing documents in: from a council information system (OParl) and from the source list."""
