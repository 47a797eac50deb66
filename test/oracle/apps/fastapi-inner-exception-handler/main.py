from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["GET", "PUT"], allow_headers=["Authorization", "Content-Type"])


# A handler for HTTPException runs in ExceptionMiddleware, inside CORSMiddleware: the responses it builds pass out
# through CORSMiddleware, which adds its headers and Vary: Origin to them.
@app.exception_handler(HTTPException)
async def on_http(request: Request, exc: HTTPException):
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers={"Access-Control-Allow-Origin": "https://app.example.com"})


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
    raise HTTPException(status_code=500, detail="boom")
