"""The WSGI entry point for production web workers: ``gunicorn --workers 4 app.wsgi:app``.

Web workers never run the timer worker (``wmo timers run`` does, beside them): ``create_app`` starts
timers only when asked to, and only ``wmo serve`` asks.
"""
from . import create_app

app = create_app()
