import os

from flask import Flask, jsonify, request

app = Flask(__name__)


# The httpbin shape: every response echoes the Origin, but Access-Control-Allow-Credentials is written on OPTIONS
# answers only, so the responses a page reads carry no credentials header.
@app.after_request
def cors(response):
    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "*")
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Methods"] = "GET, PUT"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
    return response


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
