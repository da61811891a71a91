"""Running AidFlow for years: backups and their checks, health and metrics, request logs."""
