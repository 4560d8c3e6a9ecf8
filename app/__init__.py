"""The Wmo route as a Flask application: create_app wires configuration, database and parts."""
from __future__ import annotations

from flask import Flask

from . import errors, logs, urls
from .config import Settings, load_settings
from .db import init_app as init_db


def create_app(settings: Settings | None = None, start_timers: bool = False) -> Flask:
    """Create the app for ``settings`` (default: config.toml or WMO_CONFIG)."""
    settings = settings or load_settings()
    logs.configure(settings)
    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings.database_url),
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=1024 * 1024,
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.extensions["wmo"] = settings
    init_db(app)
    errors.init_app(app)
    urls.init_app(app)
    logs.init_app(app)

    from .api import bp as api_bp
    from .health import bp as health_bp
    from .inwoner import bp as inwoner_bp
    from .inwoner import link_bp as inwonerlink_bp
    from .processbeheer import bp as processbeheer_bp
    from .web import bp as web_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(web_bp)
    app.register_blueprint(inwoner_bp)
    app.register_blueprint(inwonerlink_bp)
    app.register_blueprint(processbeheer_bp)
    if start_timers and settings.timers_enabled:
        from timers.ticker import start_ticker

        start_ticker(app)
    return app


def _engine_options(url: str) -> dict:
    """SQL parameters (case data) stay out of error messages and logs; PostgreSQL connections are checked
    before use, so the app reconnects by itself once a restarted database is back."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}, "hide_parameters": True}
    return {"pool_pre_ping": True, "hide_parameters": True, "connect_args": {"connect_timeout": 5}}
