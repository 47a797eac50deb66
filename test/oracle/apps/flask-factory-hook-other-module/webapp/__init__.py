from flask import Flask
from flask_cors import CORS


def create_app():
    app = Flask(__name__)

    # Imported here, against a circular import (views.py may import from this package).
    from webapp.views import bp

    app.register_blueprint(bp)
    CORS(app, supports_credentials=True)
    return app
