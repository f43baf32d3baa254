"""The Textual console. Imported only by the commands that open the UI."""
