import os

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.after_request
def add_cors(response):
    response.headers["Vary"] = "Origin"
    origin = request.headers.get("Origin")
    # A prefix test: https://app.example.com.attacker.net passes too.
    if origin and origin.startswith("https://app.example.com"):
        response.headers["Access-Control-Allow-Origin"] = origin
    return response


@app.route("/api/items", methods=["GET"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
