import os

from webapp import create_app

# CORS(app, supports_credentials=True) runs inside create_app(), in another module, before the hook below is
# registered: Flask runs after_request hooks in reverse order, so this hook runs first and every response already
# has its '*' when flask-cors' hook runs, which then skips it (audit 53 flask c03). flask-cors' reflection of any
# origin with credentials never reaches a normal response.
app = create_app()


@app.after_request
def public_api(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
