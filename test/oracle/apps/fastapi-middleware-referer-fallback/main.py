from fastapi import FastAPI, Request

app = FastAPI()
ALLOWED = {"https://app.example.com"}


# Unlisted origins are turned away only when the request has a Referer (audit 53 jsman c08, in FastAPI): the oracle's
# requests carry none, as a page's fetch with referrerPolicy "no-referrer" does, so every origin is reflected.
@app.middleware("http")
async def cors(request: Request, call_next):
    response = await call_next(request)
    origin = request.headers.get("origin")
    response.headers["Vary"] = "Origin"
    if request.headers.get("referer") is not None and origin not in ALLOWED:
        return response
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
