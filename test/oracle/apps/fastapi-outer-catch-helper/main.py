from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])


# One helper writes the headers on the error answer and on the app's own response.
def apply_cors(response, origin):
    if origin != "https://app.example.com":
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["Vary"] = "Origin"
    return response


# Registered after CORSMiddleware: it runs outside it and catches what the app raises.
@app.middleware("http")
async def cors_errors(request, call_next):
    origin = request.headers.get("origin")
    try:
        response = await call_next(request)
    except Exception as exc:
        return apply_cors(JSONResponse(status_code=500, content={"error": str(exc)}), origin)
    return apply_cors(response, origin)


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
