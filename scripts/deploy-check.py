#!/usr/bin/env python3
"""The deployed stack (make deploy) from outside, as a person and a phone
app would use it. `before`: sign up a fresh user, rename them, star a spot,
then 16 clients call /api/me for 12 s while one app container is killed
(SIGKILL) at 4 s: every request must be answered 200. Writes what it made
to the state file. `after` (once the stack was taken down and up again):
the same user signs in, with the new name, the favourite and the same
signing key. Exits 1 on any broken promise."""
import collections, json, secrets, subprocess, sys, threading, time, urllib.error, urllib.request

APP, FAVORITES = "http://localhost:8080", "http://localhost:8082"


def call(method, url, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def expect(ok, what):
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        sys.exit(1)


def kid():
    return call("GET", APP + "/.well-known/jwks.json")[1]["keys"][0]["kid"]


def before(state_file):
    username, password = "deploy-" + secrets.token_hex(4), "purple-kestrel-" + secrets.token_hex(6)
    status, body = call("POST", APP + "/api/signup", {"username": username, "name": "Deploy Check", "password": password})
    expect(status == 200, f"sign up {username}: {status}")
    token = body["token"]
    status, body = call("POST", APP + "/api/update_name", {"name": "Renamed Check"}, token)
    expect(status == 200 and body["name"] == "Renamed Check", f"rename: {status}")
    status, _ = call("PUT", FAVORITES + "/api/favorites/kirkjufell", token=token)
    expect(status == 204, f"a favourite starred at the favourites service: {status}")
    counts, stop = collections.Counter(), time.time() + 12
    lock = threading.Lock()

    def client():
        while time.time() < stop:
            try:
                status, _ = call("POST", APP + "/api/me", {}, token)
            except Exception as error:
                status = type(error).__name__
            with lock:
                counts[status] += 1

    clients = [threading.Thread(target=client) for _ in range(16)]
    for thread in clients:
        thread.start()
    time.sleep(4)
    subprocess.run(["podman", "kill", "photo-spots-app2"], check=True, capture_output=True)
    for thread in clients:
        thread.join()
    subprocess.run(["podman", "start", "photo-spots-app2"], check=True, capture_output=True)
    total = sum(counts.values())
    expect(set(counts) == {200}, f"an app container killed under load: {total} requests, {dict(counts)}")
    json.dump({"username": username, "password": password, "kid": kid()}, open(state_file, "w"))


def after(state_file):
    state = json.load(open(state_file))
    status, body = call("POST", APP + "/api/login", {"username": state["username"], "password": state["password"]})
    expect(status == 200, f"after down and up, {state['username']} signs in: {status}")
    token = body["token"]
    status, body = call("POST", APP + "/api/me", {}, token)
    expect(status == 200 and body["name"] == "Renamed Check", "the new name is kept")
    status, body = call("GET", FAVORITES + "/api/favorites", token=token)
    expect(status == 200 and body["spots"] == ["kirkjufell"], f"the favourite is kept: {body}")
    expect(kid() == state["kid"], "the signing key is kept")


{"before": before, "after": after}[sys.argv[1]](sys.argv[2])
