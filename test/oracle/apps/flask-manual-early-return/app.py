import os

from flask import Flask, jsonify, request

app = Flask(__name__)
ALLOWED = {"https://app.example.com"}


@app.after_request
def add_cors(response):
    response.headers["Vary"] = "Origin"
    origin = request.headers.get("Origin")
    # Unlisted origins get no CORS headers at all: the checks below run only for listed ones.
    if not origin or origin not in ALLOWED:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


@app.route("/api/items", methods=["GET", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
