import os

from flask import Flask, jsonify, request
from flask_cors import CORS

app = Flask(__name__)
CORS(app)


# Registered after CORS(app), so Flask runs it first and it always sets ACAO: flask-cors skips every response,
# preflights included, which then carry no Access-Control-Allow-Headers (audit 34 Flask c23).
@app.after_request
def after_request(response):
    response.headers["Access-Control-Allow-Methods"] = "*"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Vary"] = "Origin"
    return response


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    if request.method != "GET":
        return jsonify(request.get_json(silent=True))
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
