"""Command line: thin commands that parse, call a service, render."""
