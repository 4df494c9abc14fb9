"""One module per screen; each builds its widgets and emits signals, nothing more."""
