"""PySide6 widgets: the main window and its sections. No business rule lives here."""
