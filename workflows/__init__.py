"""AidFlow's viewflow processes: the medical-aid procedure as a picture of the law."""
