import os

from flask import Flask, jsonify, request

app = Flask(__name__)
ALLOWED = ["https://app.example.com"]


# One header line per response: the allowed origin echoed, a fixed origin for the others.
@app.after_request
def add_cors(response):
    origin = request.headers.get("Origin")
    if origin in ALLOWED:
        response.headers.add("Access-Control-Allow-Origin", origin)
    else:
        response.headers.add("Access-Control-Allow-Origin", "https://admin.example.com")
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
