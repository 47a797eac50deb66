import os

from flask import Blueprint, Flask
from flask_cors import CORS

# flask-cors on a blueprint matches its resources against the full path, url_prefix of the registration included.
bp = Blueprint("api", __name__)
CORS(bp, resources={r"/api/*": {"origins": "https://app.example.com", "methods": ["GET", "POST"]}})


@bp.route("/items", methods=["GET", "PUT"])
def items():
    return "[]"


@bp.route("/error")
def error():
    raise RuntimeError("boom")


app = Flask(__name__)
app.register_blueprint(bp, url_prefix="/api")

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
