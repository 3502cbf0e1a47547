"""Who may see and do what: roles, users, sessions, rate limits and the audit log."""
