import os

from flask import Flask, jsonify
from flask_cors import cross_origin

app = Flask(__name__)


@app.route("/api/items", methods=["GET", "PUT", "POST"])
@cross_origin(origins=["https://app.example.com"], supports_credentials=True)
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
@cross_origin(origins=["https://app.example.com"], supports_credentials=True)
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
