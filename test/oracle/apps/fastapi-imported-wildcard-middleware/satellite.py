from fastapi import Request
from starlette.middleware.base import BaseHTTPMiddleware


# A hand-written middleware in its own module (audit 53 fastapi c16, MisileLab/h3 satellitepy): `*` everywhere,
# with credentials, on every response that passes through it.
class RealWildCardCors(BaseHTTPMiddleware):
    def __init__(self, app):
        super().__init__(app)

    async def dispatch(self, request: Request, call_next):
        response = await call_next(request)
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "*"
        response.headers["Access-Control-Allow-Headers"] = "*"
        response.headers["Access-Control-Allow-Credentials"] = "true"
        return response
