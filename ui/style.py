"""Look and feel: large type, high contrast, big touch targets (MIIT 适老化 guidance).

Normal mode: body 20 pt, targets ≥ 52 px (keyboard keys) and ≥ 64 px (buttons).
Elderly mode: body 30 pt, black on white, targets ≥ 64 px (keys) and ≥ 80 px (buttons);
the guidance asks for ≥ 60×60 px in elderly mode and ≥ 44×44 px otherwise.  Meaning is never carried by
colour alone: every coloured button also has a text label.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    name: str
    body_pt: int
    title_pt: int
    answer_pt: int
    button_min_px: int
    key_min_px: int
    background: str
    foreground: str
    accent: str
    accent_text: str
    muted: str


NORMAL = Theme("normal", body_pt=20, title_pt=30, answer_pt=26, button_min_px=64, key_min_px=52,
               background="#F7F9FC", foreground="#1A1A1A", accent="#0B5CAD", accent_text="#FFFFFF",
               muted="#4A4A4A")
ELDERLY = Theme("elderly", body_pt=30, title_pt=40, answer_pt=36, button_min_px=80, key_min_px=64,
                background="#FFFFFF", foreground="#000000", accent="#003A75", accent_text="#FFFFFF",
                muted="#222222")


def stylesheet(theme: Theme) -> str:
    return f"""
    QWidget {{ background: {theme.background}; color: {theme.foreground};
              font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif;
              font-size: {theme.body_pt}pt; }}
    QLabel#title {{ font-size: {theme.title_pt}pt; font-weight: bold; }}
    QLabel#shortAnswer {{ font-size: {theme.answer_pt}pt; font-weight: bold; }}
    QLabel#tip {{ font-size: {theme.answer_pt}pt; }}
    QLabel#muted {{ color: {theme.muted}; font-size: {max(theme.body_pt - 4, 18)}pt; }}
    QPushButton {{ background: {theme.accent}; color: {theme.accent_text}; border: none;
                   border-radius: 12px; padding: 12px 20px;
                   min-height: {theme.button_min_px}px; min-width: {theme.button_min_px}px; }}
    QPushButton:pressed {{ background: #083F78; }}
    QPushButton#secondary {{ background: #E3E8EF; color: {theme.foreground};
                             border: 2px solid #5A6472; }}
    QPushButton#key {{ padding: 2px; min-width: {theme.key_min_px}px; min-height: {theme.key_min_px}px; }}
    QPushButton#tile {{ font-size: {theme.title_pt - 4}pt; text-align: center; }}
    QLineEdit {{ background: #FFFFFF; border: 3px solid {theme.accent}; border-radius: 10px;
                 padding: 10px; min-height: {theme.button_min_px}px; }}
    QScrollArea {{ border: none; }}
    QScrollBar:vertical {{ width: 28px; background: #E3E8EF; }}
    QScrollBar::handle:vertical {{ background: #5A6472; min-height: 60px; border-radius: 8px; }}
    """
