"""The rules of the regulations as plain Python: no Qt, no database, no clock."""
