import os

from flask import Flask, jsonify, request

app = Flask(__name__)


# No Access-Control-Allow-Headers: the preflight of a JSON POST (Content-Type: application/json) or of a request
# with Authorization gets no permission for them (audit 28 case 30).
@app.after_request
def add_cors(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, PUT, POST"
    return response


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    if request.method != "GET":
        return jsonify(request.get_json(silent=True) or {})
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
