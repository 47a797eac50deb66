import os

from flask import Flask, jsonify
from flask_cors import CORS


# The CORS settings are written by a helper the app is passed to (audit 34 Flask c02).
def init_cfg(app):
    app.config["CORS_ORIGINS"] = ["https://app.example.com"]
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    app.config["CORS_METHODS"] = ["GET", "PUT"]


app = Flask(__name__)
init_cfg(app)
CORS(app)


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
