"""Pure data definitions, no I/O."""
