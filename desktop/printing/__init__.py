"""Printable PDF documents (reportlab): letters and forms from the templates in `forms/` and data from the services."""
