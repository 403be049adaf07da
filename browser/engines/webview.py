# The browser that WebKitWebDriver starts for Waymark's WebKit tests: a GTK
# window holding one WebKit WebView, nothing else. WebKitGTK's MiniBrowser
# cannot be narrower than 447 px; a phone is 320 or 375. Every window
# WebDriver asks for is a new one of these, sized by WebDriver.
#
#   python3 webview.py --no-js-file=PATH
#
# A window made while the file PATH exists runs no page scripts (WebDriver's
# still run), as for a person who switched JavaScript off. WebKitWebDriver
# allows one session, so this is how one browser holds both kinds.
import ctypes
import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: E402

# Die with WebKitWebDriver (PR_SET_PDEATHSIG, SIGKILL): a test binary that
# panics leaves no window behind.
try:
    ctypes.CDLL("libc.so.6").prctl(1, 9)
except OSError:
    pass

no_js_file = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--no-js-file=")), None)
ctx = WebKit2.WebContext.get_default()
ctx.set_automation_allowed(True)
# Nothing kept between pages, and no network traffic of the browser's own.
ctx.set_cache_model(WebKit2.CacheModel.DOCUMENT_VIEWER)
# Tests serve HTTPS with a certificate no browser trusts (httptest);
# WebDriver's acceptInsecureCerts does not reach a context made here.
ctx.get_website_data_manager().set_tls_errors_policy(WebKit2.TLSErrorsPolicy.IGNORE)


def new_view(_session):
    view = WebKit2.WebView(web_context=ctx, is_controlled_by_automation=True)
    view.get_settings().set_enable_javascript_markup(not (no_js_file and os.path.exists(no_js_file)))
    win = Gtk.Window()
    win.set_default_size(375, 667)
    win.add(view)
    view.connect("close", lambda v: win.destroy())
    win.show_all()
    return view


def started(_ctx, session):
    info = WebKit2.ApplicationInfo()
    info.set_name("WebKitGTK")
    info.set_version(WebKit2.get_major_version(), WebKit2.get_minor_version(), WebKit2.get_micro_version())
    session.set_application_info(info)
    session.connect("create-web-view", new_view)


ctx.connect("automation-started", started)
Gtk.main()
