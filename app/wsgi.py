"""Production entry point: gunicorn -c python:app.gunicorn_config app.wsgi:app"""

from app import create_app

app = create_app()
