import os

from flask import Flask, jsonify
from flask.views import MethodView

app = Flask(__name__)


# The routes are registered by calls, not decorators (audit 28 case 15): a class view serves the methods it
# defines, and the Allow-Methods below leaves out its PUT.
@app.after_request
def add_cors(response):
    response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
    return response


class Items(MethodView):
    def get(self):
        return jsonify([{"id": 1}])

    def put(self):
        return jsonify({"ok": True})


def error():
    raise RuntimeError("boom")


app.add_url_rule("/api/items", view_func=Items.as_view("items"))
app.route("/api/error")(error)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
