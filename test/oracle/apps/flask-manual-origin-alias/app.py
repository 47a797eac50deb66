import os

from flask import Flask, jsonify, request

app = Flask(__name__)
WHITELIST = ["https://app.example.com"]


# CKAN's shape (audit 36 py D4): the allow-list check stores the Origin in a variable, the write reads it later
# under `is not None`. Only the listed origin gets the header.
@app.after_request
def add_cors(response):
    origin = request.headers.get("Origin")
    allowed = None
    if origin in WHITELIST:
        allowed = origin
    if allowed is not None:
        response.headers["Access-Control-Allow-Origin"] = allowed
        response.headers["Access-Control-Allow-Methods"] = "GET, PUT"
        response.headers["Vary"] = "Origin"
    return response


@app.route("/api/items", methods=["GET", "PUT", "OPTIONS"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
