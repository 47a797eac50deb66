from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


# Added after CORSMiddleware, so it runs outside it: every response CORSMiddleware produced (its preflight
# answers too) leaves with this "*" in place of the reflected origin, next to CORSMiddleware's
# Access-Control-Allow-Credentials: true (which a browser then refuses for credentialed requests).
@app.middleware("http")
async def public_origin(request: Request, call_next):
    response = await call_next(request)
    response.headers["Access-Control-Allow-Origin"] = "*"
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
