"""QR codes for slips: error correction M, modules a whole number of dots wide."""

from __future__ import annotations

import qrcode
import qrcode.constants
from PIL import Image

QUIET_ZONE = 4  # modules of white around the code, as the standard asks
MIN_MODULE_PX = 3  # below 3 dots (0.375 mm at 203 dpi) phones struggle with paper


def qr_matrix(data: str) -> list[list[bool]]:
    """The code's modules (True is dark), quiet zone included."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=QUIET_ZONE
    )
    code.add_data(data.encode("utf-8"))
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def qr_image(data: str, max_px: int, module_px: int) -> Image.Image:
    """A 1-bit image of the code: ``module_px`` dots a module, shrunk to fit ``max_px``."""
    matrix = qr_matrix(data)
    size = len(matrix)
    module = min(module_px, max_px // size)
    if module < MIN_MODULE_PX:
        raise ValueError(
            f"QR code for a {len(data)}-character URL needs {size} modules: "
            f"too many for {max_px} px at ≥{MIN_MODULE_PX} px a module; shorten sync.server_url"
        )
    raw = bytes(0 if dark else 255 for row in matrix for dark in row)
    small = Image.frombytes("L", (size, size), raw)
    return small.resize((size * module, size * module), Image.Resampling.NEAREST).convert("1")
