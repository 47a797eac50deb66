import os

from flask import Flask, jsonify
from flask_cors import CORS

from config import get_config

app = Flask(__name__)
# Every class get_config() can return has CORS_ORIGINS "*" (CORS_ORIGINS unset): flask-cors reflects any origin.
app.config.from_object(get_config())
CORS(app, supports_credentials=True)


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
