import os

from flask import Flask, jsonify, request

app = Flask(__name__)
ALLOWED = {"https://app.example.com"}


# Refused origins get the string "null" instead of no header: a sandboxed iframe (Origin: null) can then read.
@app.after_request
def add_cors(response):
    origin = request.headers.get("Origin")
    response.headers["Access-Control-Allow-Origin"] = origin if origin in ALLOWED else "null"
    response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["Vary"] = "Origin"
    return response


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
