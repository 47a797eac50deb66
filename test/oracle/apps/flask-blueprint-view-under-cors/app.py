import os

from flask import Blueprint, Flask, jsonify
from flask_cors import CORS

api = Blueprint("api", __name__)


@api.route("/items", methods=["GET", "POST"])
def items():
    # The view's own header: flask-cors then skips this response (it already has an ACAO).
    response = jsonify([{"id": 1}])
    response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
    return response


@api.route("/error")
def error():
    # Unhandled inside a blueprint: the 500 still goes through the app's flask-cors after_request hook.
    raise RuntimeError("boom")


app = Flask(__name__)
CORS(app, origins=["https://app.example.com"])
app.register_blueprint(api, url_prefix="/api")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
