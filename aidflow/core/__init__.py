"""The ground floor every app stands on: errors, the field reader and money helpers, resident IDs,
dates, gap-free numbering and file downloads. Imports no AidFlow app."""
