"""The Qt screens: a thin layer over :mod:`kiosk.services`."""
