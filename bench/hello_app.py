"""The framework ceiling for bench/run.py: the smallest Flask app, served by the same gunicorn
settings as Suara Warga. Whatever Suara Warga does per request is measured against this."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
