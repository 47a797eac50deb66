import os

from flask import Flask, jsonify, request
from flask_cors import CORS

# Defaults to true when ALLOW_ALL_CORS is unset (audit 53 flask c17).
allow_all_origins = os.getenv("ALLOW_ALL_CORS", "true").lower() == "true"
cors_origins = os.getenv("CORS_ORIGINS", "https://app.example.com")

app = Flask(__name__)

if allow_all_origins:
    CORS(app, origins="*", supports_credentials=False)


# Registered after CORS(app): Flask runs it first, and it adds Access-Control-Allow-Origin (headers.add, one more
# line) to every response. On the answers of the OPTIONS view below, which set their own, and on the 404/405 answers,
# to which flask-cors' exception handling has added its reflection, that makes two lines.
@app.after_request
def after_request(response):
    origin = request.headers.get("Origin")
    if allow_all_origins or (origin and origin in cors_origins.split(",")):
        response.headers.add("Access-Control-Allow-Origin", origin if origin else "*")
        response.headers.add("Access-Control-Allow-Methods", "GET,POST,PUT,DELETE,OPTIONS,PATCH")
        response.headers.add("Access-Control-Allow-Headers", "Content-Type,Authorization")
        response.headers.add("Access-Control-Allow-Credentials", "true")
    return response


# A catch-all OPTIONS view: it answers the preflights of paths no other rule serves (a rule of the path itself,
# like /api/items, gets Flask's automatic OPTIONS answer instead).
@app.route("/", defaults={"path": ""}, methods=["OPTIONS"])
@app.route("/<path:path>", methods=["OPTIONS"])
def handle_options(path):
    origin = request.headers.get("Origin")
    if allow_all_origins or (origin and origin in cors_origins.split(",")):
        response = jsonify({"message": "CORS preflight handled"})
        response.headers.add("Access-Control-Allow-Origin", origin if origin else "*")
        response.headers.add("Access-Control-Allow-Methods", "GET,POST,PUT,DELETE")
        response.headers.add("Access-Control-Allow-Credentials", "true")
        return response
    return jsonify({"error": "CORS policy violation"})


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
