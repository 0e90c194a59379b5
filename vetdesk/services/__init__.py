"""Services shared by the command line and the GUI: each does one piece of user work."""
