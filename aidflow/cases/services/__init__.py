"""Services of the case file, one module per job. Every change to a case goes through one of them -
the web UI, the API, commands and tests alike; each checks role, scope and state itself, writes in
one transaction with its audit event, and refuses rather than half-writes."""
