from fastapi import FastAPI, Request

# A hand-written HTTP middleware on an app whose routes are all in a mounted sub-application (Prefect's shape): the
# sub-app's ServerErrorMiddleware turns /api/error's exception into a 500 that call_next returns, so the headers
# the middleware writes reach it. OPTIONS is passed on: the sub-app answers preflights 405, with these headers.
api = FastAPI()


@api.get("/items")
def list_items():
    return [{"id": 1}]


@api.put("/items")
def put_items():
    return {"ok": True}


@api.get("/error")
def error():
    raise RuntimeError("boom")


app = FastAPI()


@app.middleware("http")
async def add_cors(request: Request, call_next):
    response = await call_next(request)
    response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
    response.headers["Vary"] = "Origin"
    return response


app.mount("/api", api)
