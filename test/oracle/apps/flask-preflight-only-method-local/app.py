import os

from flask import Flask, jsonify, request

app = Flask(__name__)


# The httpbin shape (flask-acac-preflight-only), the method tested through a local and a case change (audit 53
# pymanual c08, c02): Access-Control-Allow-Credentials and the preflight headers go on OPTIONS answers only.
@app.after_request
def cors(response):
    method = request.method
    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "*")
    if method.lower() == "options":
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
