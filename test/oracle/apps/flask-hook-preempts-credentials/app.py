import os

from flask import Flask, jsonify, request
from flask_cors import CORS

app = Flask(__name__)
CORS(app, origins=["https://app.example.com"], supports_credentials=True)


# Registered after CORS(app), so Flask runs it first: for the origin it checks, the response already has an
# ACAO when flask-cors's hook runs, and flask-cors skips it (no Access-Control-Allow-Credentials, no Vary).
@app.after_request
def add_cors(response):
    if request.headers.get("Origin") == "https://app.example.com":
        response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
    return response


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
