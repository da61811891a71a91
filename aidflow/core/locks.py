"""Locks that serialise work on one person across routes (a window settlement and a county
approval both read and then add to the same annual history)."""

from django.db import connection


def person_lock(id_number: str) -> None:
    """Hold until the end of the current transaction (PostgreSQL; SQLite writes one at a time)."""
    if connection.vendor == "postgresql" and id_number:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"person:{id_number}"])
