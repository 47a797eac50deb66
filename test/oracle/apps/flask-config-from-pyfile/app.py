import os

from flask import Flask, jsonify
from flask_cors import CORS

# CORS_* options from a file of the project, loaded relative to the app's root path before CORS(app) reads them.
app = Flask(__name__)
app.config.from_pyfile("settings.py")
CORS(app)


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
