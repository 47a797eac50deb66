from functools import update_wrapper, wraps

from flask import current_app, make_response, request


# The widely copied "allow_cross_domain" decorator (audit 53 flask c16): it echoes the Origin with credentials on
# whatever the view returns. Flask answers OPTIONS itself without running the view, so preflights get none of this.
def allow_cross_domain(fun):
    @wraps(fun)
    def wrapper_fun(*args, **kwargs):
        rst = make_response(fun(*args, **kwargs))
        rst.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin")
        rst.headers["Access-Control-Allow-Methods"] = "PUT,GET,POST,DELETE,PATCH,HEAD"
        rst.headers["Access-Control-Allow-Credentials"] = "true"
        rst.headers["Access-Control-Allow-Headers"] = "Referer,Accept,Origin,User-Agent"
        return rst
    return wrapper_fun


# A factory in the shape of the old Flask "crossdomain" snippet: the wrapper answers OPTIONS itself, and the
# function it returns turns off Flask's automatic OPTIONS answer.
def crossdomain(origin, methods="GET, POST", headers="Content-Type, Authorization"):
    def decorator(f):
        def wrapped_function(*args, **kwargs):
            if request.method == "OPTIONS":
                resp = current_app.make_default_options_response()
            else:
                resp = make_response(f(*args, **kwargs))
            h = resp.headers
            h["Access-Control-Allow-Origin"] = origin
            h["Access-Control-Allow-Methods"] = methods
            h["Access-Control-Allow-Headers"] = headers
            h["Vary"] = "Origin"
            return resp

        f.provide_automatic_options = False
        return update_wrapper(wrapped_function, f)

    return decorator
