"""Qt bootstrap: the one module of :mod:`kiosk` that imports Qt.

Creates the application, routes Qt's own messages into logging, opens the data and
the knowledge base (a failure shows the calm 暂停服务 screen, never a crash
dialog), and shows the window full-screen without decorations unless windowed.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import (
    QLibraryInfo,
    QMessageLogContext,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

from kiosk.config import Settings
from kiosk.datadir import DataDir
from kiosk.logsetup import configure_logging, get_logger
from kiosk.services import KioskServices
from kiosk.texts import load_texts
from kiosk.voice import VoiceEngines
from offline_cache.kb_store import KnowledgeBaseUnavailable
from offline_cache.outbox import OutboxError
from ui.main_window import MainWindow

log = get_logger("app")
qt_log = get_logger("qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)


def install_qt_translations(app: QApplication, locale: str) -> bool:
    """Qt's own strings (context menus, dialogs) in the resident's language; ours come
    from :mod:`kiosk.texts`."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{locale}", folder):
        app.installTranslator(translator)
        return True
    log.warning("no Qt translation qtbase_%s in %s", locale, folder)
    return False


def build_window(settings: Settings, windowed: bool = False) -> MainWindow:
    """Open services and build the window; used by :func:`run_app` and by tests."""
    texts = load_texts(settings.device.locale)
    services: KioskServices | None = None
    reason = ""
    try:
        services = KioskServices.open(settings)
    except (KnowledgeBaseUnavailable, OutboxError, OSError) as exc:
        reason = str(exc)
        log.error("out of service: %s", reason)
    engines = None
    if services is not None and settings.speech.enabled:
        engines = VoiceEngines(settings.speech, DataDir(settings.data_dir).cache_dir)
    return MainWindow(texts, services, reason, settings.ui.idle_timeout_s,
                      settings.ui.idle_countdown_s, kiosk_mode=not (windowed or settings.ui.windowed),
                      pin_hash=settings.ui.technician_pin_hash, voice_engines=engines,
                      robot=settings.device.role == "robot")


def run_app(settings: Settings, windowed: bool = False) -> int:
    configure_logging()
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    install_qt_translations(app, settings.device.locale)
    window = build_window(settings, windowed)
    if window.kiosk_mode:
        window.showFullScreen()
    else:
        window.resize(1080, 1920 // 2)
        window.show()
    log.info("kiosk started (%s, %s)", settings.device.role, settings.device.tier)
    return app.exec()
