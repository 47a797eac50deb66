from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.authentication import AuthCredentials, AuthenticationBackend, SimpleUser
from starlette.middleware.authentication import AuthenticationMiddleware


class AnonymousAllowed(AuthenticationBackend):
    """Never raises AuthenticationError: requests without a token go through as unauthenticated."""

    async def authenticate(self, conn):
        if "authorization" not in conn.headers:
            return None
        token = conn.headers["authorization"].split(" ")[-1]
        return AuthCredentials(["authenticated"]), SimpleUser(token)


app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])
# Added after CORSMiddleware (so outside it), but it never answers by itself: preflights reach CORSMiddleware.
app.add_middleware(AuthenticationMiddleware, backend=AnonymousAllowed())


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
