import os

from flask import Flask, jsonify, request

app = Flask(__name__)
ALLOWED = {"https://app.example.com"}


# Two adds of the same header, each only while the header is absent (as two helpers that each ensure it would
# write): every response carries one line.
@app.after_request
def add_cors(response):
    origin = request.headers.get("Origin")
    if origin in ALLOWED:
        if "Access-Control-Allow-Origin" not in response.headers:
            response.headers.add("Access-Control-Allow-Origin", origin)
        response.headers["Vary"] = "Origin"
        if "Access-Control-Allow-Origin" not in response.headers:
            response.headers.add("Access-Control-Allow-Origin", origin)
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
