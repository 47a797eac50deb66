import os

from flask import Flask, jsonify
from flask.views import MethodView
from flask_cors import cross_origin

app = Flask(__name__)


# cross_origin() in a class view's `decorators` list (audit 53 flask2 c07): as_view() wraps the view function with
# it, for every method the class serves (POST here gets 405 from the router, without CORS headers). Without
# options() in the class, as_view() resets provide_automatic_options and Flask answers the preflight itself,
# without CORS headers; with options(), the view runs for OPTIONS and cross_origin() answers it.
class Items(MethodView):
    decorators = [cross_origin(supports_credentials=True)]

    def get(self):
        return jsonify([{"id": 1}])

    def delete(self):
        return jsonify({"ok": True})


class Notes(MethodView):
    decorators = [cross_origin(origins=["https://app.example.com"], methods=["GET", "PUT"])]

    def get(self):
        return jsonify([])

    def put(self):
        return jsonify({"ok": True})

    def options(self):
        return jsonify({})


# An exception raised by the view passes through the decorator: the 500 has no CORS headers.
class Broken(MethodView):
    decorators = [cross_origin()]

    def get(self):
        raise RuntimeError("boom")


@app.route("/api/plain")
def plain():
    return jsonify({"cors": False})


app.add_url_rule("/api/items", view_func=Items.as_view("items"))
app.add_url_rule("/api/notes", view_func=Notes.as_view("notes"))
app.add_url_rule("/api/error", view_func=Broken.as_view("error"))


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
