import os

from flask import Flask, jsonify, request

app = Flask(__name__)
ALLOWED = {"https://app.example.com"}


@app.after_request
def add_cors(response):
    origin = request.headers.get("Origin")
    if origin in ALLOWED:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    response.headers["Access-Control-Allow-Methods"] = "GET, PUT, POST"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
    return response


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
