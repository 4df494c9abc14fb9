"""青小律 booth kiosk: the application core (no Qt outside :mod:`kiosk.app`)."""

__version__ = "0.1.0"
