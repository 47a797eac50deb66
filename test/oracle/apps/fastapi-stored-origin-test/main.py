from fastapi import FastAPI, Request

ORIGINS = ["https://app.example.com", "https://b.example.com"]
app = FastAPI()


# The origin test is stored in a local first (audit 44 py D3): the headers depend on the request Origin, no
# Vary: Origin is sent, and unhandled exceptions become 500s without CORS headers (§2.3).
@app.middleware("http")
async def cors_middleware(request: Request, call_next):
    origin = request.headers.get("origin", "")
    allowed = origin in ORIGINS
    response = await call_next(request)
    if allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.post("/api/items")
def post_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
