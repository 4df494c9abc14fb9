from __future__ import annotations

from kiosk.texts import available_locales, load_texts


def test_every_shipped_locale_loads_with_the_same_keys() -> None:
    locales = available_locales()
    assert "zh_CN" in locales
    reference = load_texts("zh_CN").keys()
    for locale in locales:
        texts = load_texts(locale)
        assert texts.keys() == reference, locale
        assert all(texts[k].strip() for k in reference)


def test_placeholders_format() -> None:
    texts = load_texts("zh_CN")
    assert "12" in texts.format("reset.countdown", seconds=12)
    assert "2026.11.26-abc" in texts.format("app.kb_version", version="2026.11.26-abc")


def test_qt_own_strings_are_translated(qapp: object) -> None:
    from PySide6.QtWidgets import QApplication

    from kiosk.app import install_qt_translations

    assert isinstance(qapp, QApplication)
    assert install_qt_translations(qapp, "zh_CN")
    assert QApplication.translate("QLineEdit", "&Undo") != "&Undo"
