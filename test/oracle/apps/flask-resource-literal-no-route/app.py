import os

from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
# A literal resource key matches request.path exactly (§3.4): "/api" covers neither /api/items nor /api/error,
# only the 404 for /api itself, which then reflects any Origin with credentials.
CORS(app, resources={"/api": {"origins": "*"}}, supports_credentials=True)


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
