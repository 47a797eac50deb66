import os

from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
CORS(app, send_wildcard=True, allow_headers=["Content-Type", "Authorization"], methods=["GET", "PUT"])


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
